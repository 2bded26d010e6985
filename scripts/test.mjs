// `npm test`: typecheck, lint, format check, then every test; ends with the line CI reads.
// A failing check stops the run and fails it; vitest's JSON report is read fresh, never a stale one.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const REPORT = '.vitest-results.json';
const steps = [
  ['typecheck', 'npx', ['tsc', '--noEmit', '-p', '.']],
  ['lint', 'npx', ['eslint', '--max-warnings', '0', '.']],
  ['format', 'npx', ['prettier', '--check', '.']],
];
for (const [name, cmd, args] of steps) {
  console.log(`\n> ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`\n${name} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
rmSync(REPORT, { force: true });
console.log('\n> tests: vitest run');
spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${REPORT}`,
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
  },
);
const summary = spawnSync(process.execPath, ['scripts/test-summary.mjs', REPORT], { stdio: 'inherit' });
process.exit(summary.status ?? 1);
