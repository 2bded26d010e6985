// Lint rules that keep the layers honest: pure rooms import no I/O, dependencies point one way, no cycles.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const room = (name) => `./src/${name}`;
const allRooms = [
  'shared',
  'config',
  'ml',
  'domain',
  'ingest',
  'logs',
  'monitoring',
  'anomaly',
  'prediction',
  'healing',
  'registry',
  'ports',
  'adapters',
  'http',
  'cli',
  'demo',
  'app',
];
// What each room may import (besides itself). Everything not listed is forbidden.
const allowed = {
  shared: [],
  config: ['shared'],
  ml: ['shared'],
  domain: ['shared'],
  ingest: ['shared', 'domain'],
  logs: ['shared', 'domain'],
  monitoring: ['shared', 'domain', 'ml', 'logs'],
  anomaly: ['shared', 'domain', 'ml', 'monitoring', 'logs'],
  prediction: ['shared', 'domain', 'ml', 'monitoring', 'logs'],
  healing: ['shared', 'domain', 'ports', 'monitoring', 'anomaly', 'prediction'],
  registry: ['shared', 'domain', 'ml', 'ports'],
  ports: ['shared', 'domain', 'ml'],
  demo: ['shared', 'domain'],
  // Application services: orchestrate pure engines through ports (no drivers).
  app: [
    'shared',
    'domain',
    'config',
    'ports',
    'ingest',
    'monitoring',
    'logs',
    'anomaly',
    'prediction',
    'healing',
    'registry',
  ],
  adapters: ['shared', 'domain', 'ports', 'config', 'ml', 'ingest'],
  http: [
    'shared',
    'domain',
    'config',
    'ports',
    'app',
    'ingest',
    'monitoring',
    'logs',
    'anomaly',
    'prediction',
    'healing',
    'registry',
    'demo',
  ],
  cli: allRooms.filter((r) => r !== 'cli'),
};
const pureRooms = [
  'shared',
  'ml',
  'domain',
  'ingest',
  'logs',
  'monitoring',
  'anomaly',
  'prediction',
  'healing',
  'registry',
  'ports',
  'app',
];

const zones = Object.entries(allowed).flatMap(([target, ok]) =>
  allRooms
    .filter((from) => from !== target && !ok.includes(from))
    .map((from) => ({
      target: room(target),
      from: room(from),
      message: `${target}/ must not import ${from}/`,
    })),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'bench/out/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-cycle': ['error', { maxDepth: 12 }],
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Use a seeded Rng.',
        },
      ],
    },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
  },
  {
    files: pureRooms.map((r) => `src/${r}/**/*.ts`),
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'net', 'http', 'crypto', 'child_process'],
              message: 'Pure rooms do no I/O.',
            },
            {
              group: ['pg', '@electric-sql/*', '@nats-io/*', 'fastify', '@fastify/*', 'pino'],
              message: 'Drivers live in adapters/.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Config is passed in.' }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time comes from a Clock.' },
        { object: 'performance', property: 'now', message: 'Time comes from a Clock.' },
      ],
    },
  },
);
