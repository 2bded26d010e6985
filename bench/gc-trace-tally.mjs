// Tallies the main thread's garbage collections per marked window of a `node --trace-gc-nvp` log
// (the first isolate in the log is the main thread's; windows are `GC-MARK start|end <label>` lines,
// as bench/prediction-demo.ts --gc-marks prints them): per window, the young collections (scavenges)
// and full ones, their pauses, and per scavenge the bytes allocated since the last collection, the
// bytes that survived (copied within the young generation) and the bytes promoted to the old one.
//
//   node bench/gc-trace-tally.mjs <log>
import { readFileSync } from 'node:fs';

const windows = new Map();
let current = null;
let main = null;
for (const line of readFileSync(process.argv[2], 'utf8').split('\n')) {
  const mark = /^GC-MARK (start|end) (.*)$/.exec(line);
  if (mark !== null) {
    current = mark[1] === 'start' ? mark[2] : null;
    if (current !== null) windows.set(current, []);
    continue;
  }
  const gc = /^\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: (.*)$/.exec(line);
  if (gc === null) continue;
  main ??= gc[1];
  if (gc[1] !== main || current === null) continue;
  const fields = Object.fromEntries(
    gc[2].split(' ').flatMap((kv) => (kv.includes('=') ? [kv.split('=')] : [])),
  );
  windows.get(current).push(fields);
}
const mean = (xs) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
console.log(
  '| window | scavenges | full GCs | pauses, total (max) | per scavenge: mean pause | allocated | survived | promoted |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const [label, gcs] of windows) {
  const young = gcs.filter((g) => g.gc === 's');
  const pauses = gcs.map((g) => Number(g.pause));
  const kb = (key) => `${(mean(young.map((g) => Number(g[key] ?? 0))) / 1024).toFixed(0)} KB`;
  console.log(
    `| ${label} | ${young.length} | ${gcs.length - young.length} | ${pauses.reduce((a, b) => a + b, 0).toFixed(0)} ms (${Math.max(0, ...pauses).toFixed(1)}) | ${mean(young.map((g) => Number(g.pause))).toFixed(2)} ms | ${kb('allocated')} | ${kb('new_space_survived')} | ${kb('promoted')} |`,
  );
}
