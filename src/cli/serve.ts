import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { SERVE_OPTIONS, compileServeConfig, envName, type OptionSpec } from '../config/index.js';
import { AppError } from '../shared/index.js';
import { startService } from '../main.js';

/** `flexiroaster serve`: run the service until SIGINT/SIGTERM. */
export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Run the service (HTTP API, monitoring, demo fleet)')
    .option('--config <file>', 'YAML or JSON config file (flags > env > file > defaults)');
  for (const spec of SERVE_OPTIONS as readonly OptionSpec[]) cmd.addOption(toOption(spec));
  for (const spec of SERVE_OPTIONS as readonly OptionSpec[]) {
    if (spec.type === 'bool') cmd.addOption(new Option(`--no-${spec.flag}`).hideHelp());
  }
  cmd.action(async (flags: Record<string, unknown> & { config?: string }) => {
    const { config: configFile, ...given } = flags;
    const file = configFile ? await readConfigFile(configFile) : undefined;
    const keysFile = (given.apiKeysFile as string | undefined) ?? process.env[envName('api-keys-file')];
    const apiKeysFileText = keysFile ? await readFile(keysFile, 'utf8') : undefined;
    const config = compileServeConfig({ flags: given, env: process.env, file, apiKeysFileText });
    await startService(config, { handleSignals: true });
  });
}

function toOption(spec: OptionSpec): Option {
  const arg = spec.type === 'bool' ? '' : ` <${spec.type === 'enum' ? 'value' : spec.type}>`;
  const def = spec.default === null ? 'unset' : JSON.stringify(spec.default);
  const opt = new Option(`--${spec.flag}${arg}`, `${spec.doc} [env ${envName(spec.flag)}; default ${def}]`);
  return opt;
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `cannot read config file ${path}`, { cause: err });
  }
  let value: unknown;
  try {
    value = parseYaml(text); // YAML is a superset of JSON
  } catch (err) {
    throw new AppError(
      'CONFIG_INVALID',
      `config file ${path} is not valid YAML/JSON: ${(err as Error).message}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppError('CONFIG_INVALID', `config file ${path} must hold a mapping of option names to values`);
  }
  return value as Record<string, unknown>;
}
