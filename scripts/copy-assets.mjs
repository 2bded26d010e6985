// Copies the files tsc does not emit (SQL migrations) from src/ to dist/, keeping their paths,
// so code that finds them next to itself via import.meta.url works from both.
import { cp, readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const ASSET = /\.sql$/;

const entries = await readdir(src, { recursive: true, withFileTypes: true });
let copied = 0;
for (const entry of entries) {
  if (!entry.isFile() || !ASSET.test(entry.name)) continue;
  const from = join(entry.parentPath ?? entry.path, entry.name);
  await cp(from, join(dist, relative(src, from)));
  copied++;
}
console.log(`copy-assets: ${copied} file(s) into dist/`);
