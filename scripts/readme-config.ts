// Writes the configuration table from src/config into README.md between its markers.
import { readFileSync, writeFileSync } from 'node:fs';
import { configTableMarkdown, replaceConfigTable } from '../src/config/index.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, replaceConfigTable(readFileSync(path, 'utf8'), configTableMarkdown()));
