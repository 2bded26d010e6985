import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replaceConfigTable } from './readme.js';
import { configTableMarkdown } from './table.js';

describe('README configuration table', () => {
  it('matches the option table (regenerate with `npx tsx scripts/readme-config.ts`)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(replaceConfigTable(readme, configTableMarkdown())).toBe(readme);
  });
});
