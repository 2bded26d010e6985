import { AppError } from '../shared/index.js';
import { SERVE_OPTIONS, camelName, envName, type OptionSpec } from './options.js';

type Spec = (typeof SERVE_OPTIONS)[number];
type ValueOf<S extends Spec> = S['type'] extends 'int' | 'number'
  ? number
  : S['type'] extends 'bool'
    ? boolean
    : string;
type KebabToCamel<S extends string> = S extends `${infer H}-${infer T}`
  ? `${H}${Capitalize<KebabToCamel<T>>}`
  : S;

/** Options as given: a value or null where the default is null. */
export type RawServeConfig = {
  [S in Spec as KebabToCamel<S['flag']>]: S['default'] extends null ? ValueOf<S> | null : ValueOf<S>;
};

export type ApiScope = 'read' | 'ingest' | 'act' | 'admin';
export interface ApiKey {
  key: string;
  scopes: ReadonlySet<ApiScope>;
}

/** The compiled, validated, frozen configuration passed to every part of the service. */
export interface ServeConfig extends Omit<RawServeConfig, 'demo' | 'writeBack' | 'apiKeys' | 'apiKeysFile'> {
  demo: boolean;
  /** Write-back on: to the source database, or (the demo without one) to the demo schema. */
  writeBack: boolean;
  windowMs: number;
  retentionMs: number;
  bodyLimitBytes: number;
  apiKeys: readonly ApiKey[];
}

export interface ConfigSources {
  /** Parsed flags, keyed by camelCase name; undefined when not given. */
  flags: Readonly<Record<string, unknown>>;
  env: Readonly<Record<string, string | undefined>>;
  /** Parsed config file (YAML or JSON), keys kebab-case or camelCase. */
  file?: Readonly<Record<string, unknown>>;
  /** Contents of --api-keys-file, when given; the caller reads the file. */
  apiKeysFileText?: string;
}

const SCOPES: readonly ApiScope[] = ['read', 'ingest', 'act', 'admin'];

/** Compiles flags > env > config file > defaults into a validated frozen config. */
export function compileServeConfig(sources: ConfigSources): Readonly<ServeConfig> {
  const raw: Record<string, unknown> = {};
  const fileValues = normaliseFileKeys(sources.file ?? {});
  for (const spec of SERVE_OPTIONS as readonly OptionSpec[]) {
    const name = camelName(spec.flag);
    raw[name] = pick(spec, name, sources, fileValues);
  }
  const unknown = Object.keys(fileValues).filter((k) => !(k in raw));
  if (unknown.length > 0) {
    throw new AppError('CONFIG_INVALID', `unknown option in config file: ${unknown.join(', ')}`, {
      field: unknown[0],
    });
  }
  const r = raw as RawServeConfig;
  const keysText = [r.apiKeys ?? '', sources.apiKeysFileText ?? ''].join(';');
  const apiKeys = parseApiKeys(keysText);
  if (apiKeys.length === 0 && !isLoopback(r.host)) {
    throw new AppError(
      'CONFIG_INVALID',
      `refusing to listen on ${r.host} without API keys; set FLEXIROASTER_API_KEYS or bind to 127.0.0.1`,
      { field: 'host' },
    );
  }
  const { demo: demoFlag, writeBack, apiKeys: _k, apiKeysFile: _f, ...rest } = r;
  const demo = demoFlag ?? (r.databaseUrl === null && r.sourceDatabaseUrl === null);
  // The write-back target: the source database, else the demo's schema (written by default).
  const demoTarget = demo && r.sourceDatabaseUrl === null;
  if (writeBack === true && r.sourceDatabaseUrl === null && !demo) {
    throw new AppError('CONFIG_INVALID', '--write-back needs --source-database-url (or the demo)', {
      field: 'write-back',
    });
  }
  return Object.freeze({
    ...rest,
    demo,
    writeBack: writeBack ?? demoTarget,
    windowMs: r.windowMinutes * 60_000,
    retentionMs: r.retentionDays * 86_400_000,
    bodyLimitBytes: Math.round(r.bodyLimitMb * 1024 * 1024),
    apiKeys: Object.freeze(apiKeys),
  });
}

function pick(
  spec: OptionSpec,
  name: string,
  sources: ConfigSources,
  fileValues: Record<string, unknown>,
): string | number | boolean | null {
  const flag = sources.flags[name];
  if (flag !== undefined) return coerce(spec, flag, `--${spec.flag}`);
  const env = sources.env[envName(spec.flag)];
  if (env !== undefined && env !== '') return coerce(spec, env, envName(spec.flag));
  for (const alias of spec.aliases ?? []) {
    const v = sources.env[alias];
    if (v !== undefined && v !== '') return coerce(spec, v, alias);
  }
  if (name in fileValues) return coerce(spec, fileValues[name], spec.flag);
  return spec.default;
}

function coerce(spec: OptionSpec, value: unknown, where: string): string | number | boolean | null {
  const fail = (why: string): never => {
    throw new AppError('CONFIG_INVALID', `${where}: ${why}`, { field: spec.flag });
  };
  if (value === null) return spec.default === null ? null : fail('must not be null');
  switch (spec.type) {
    case 'bool': {
      if (typeof value === 'boolean') return value;
      const s = String(value).toLowerCase();
      if (s === 'true' || s === '1') return true;
      if (s === 'false' || s === '0') return false;
      return fail(`expected true|false|1|0, got ${JSON.stringify(value)}`);
    }
    case 'int':
    case 'number': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (String(value).trim() === '' || !Number.isFinite(n))
        return fail(`expected a number, got ${JSON.stringify(value)}`);
      if (spec.type === 'int' && !Number.isInteger(n)) return fail(`expected a whole number, got ${n}`);
      if (spec.min !== undefined && n < spec.min) return fail(`must be ≥ ${spec.min}, got ${n}`);
      if (spec.max !== undefined && n > spec.max) return fail(`must be ≤ ${spec.max}, got ${n}`);
      return n;
    }
    case 'enum': {
      const s = String(value);
      if (!spec.choices?.includes(s)) return fail(`expected one of ${spec.choices?.join('|')}, got ${s}`);
      return s;
    }
    case 'string':
      if (typeof value !== 'string' && typeof value !== 'number') return fail('expected a string');
      return String(value);
  }
}

function normaliseFileKeys(file: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(file)) out[camelName(k.replace(/_/g, '-'))] = v;
  return out;
}

/** Parses `key1:read,ingest;key2:admin` (also newline-separated); `admin` implies every scope. */
export function parseApiKeys(text: string): ApiKey[] {
  const keys: ApiKey[] = [];
  for (const entry of text.split(/[;\n]/)) {
    const trimmed = entry.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const colon = trimmed.lastIndexOf(':');
    if (colon <= 0)
      throw new AppError('CONFIG_INVALID', 'API key entry needs the form key:scope[,scope]', {
        field: 'api-keys',
      });
    const key = trimmed.slice(0, colon);
    const scopes = new Set<ApiScope>();
    for (const s of trimmed.slice(colon + 1).split(',')) {
      const scope = s.trim() as ApiScope;
      if (!SCOPES.includes(scope)) {
        throw new AppError('CONFIG_INVALID', `unknown API key scope "${s.trim()}" (read|ingest|act|admin)`, {
          field: 'api-keys',
        });
      }
      if (scope === 'admin') SCOPES.forEach((x) => scopes.add(x));
      else scopes.add(scope);
    }
    keys.push({ key, scopes });
  }
  return keys;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
