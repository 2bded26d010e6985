import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { SERVE_OPTIONS, compileServeConfig, envName, type OptionSpec } from '../config/index.js';
// Not the adapters' index, which loads every driver: only what locks the folder and starts PGlite.
import { startStore } from '../adapters/store-start.js';
import { AppError } from '../shared/index.js';

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
    // PGlite's reopen (a second or more in its worker thread) overlaps loading the service's modules.
    const storeStart = await startStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    let startService: typeof import('../main.js').startService;
    try {
      ({ startService } = await import('../main.js'));
    } catch (err) {
      await storeStart.abandon();
      throw err;
    }
    await startService(config, { handleSignals: true, storeStart });
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
