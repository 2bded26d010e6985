import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTEXT_FIELDS, CONTEXT_FIELD_FAMILIES } from './fields.js';
import { ACTION_PARAMS } from './params.js';
import { ACTION_IDS, GUARD_NAMES } from './types.js';

const ROOT = join(import.meta.dirname, '../..');
const doc = readFileSync(join(ROOT, 'docs/HEALING.md'), 'utf8');

describe('docs/HEALING.md', () => {
  it('lists every condition field', () => {
    for (const path of CONTEXT_FIELDS.keys()) expect(doc, path).toContain(`| \`${path}\` |`);
    for (const f of CONTEXT_FIELD_FAMILIES) expect(doc, f.prefix).toContain(`| \`${f.prefix}<`);
  });

  it('lists every action with its parameters, every guard and every shipped runbook', () => {
    for (const a of ACTION_IDS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${a}\` |`));
      expect(row, a).toBeDefined();
      for (const p of Object.keys(ACTION_PARAMS[a])) expect(row, `${a}.${p}`).toContain(`\`${p}`);
    }
    for (const g of GUARD_NAMES) expect(doc, g).toContain(`| \`${g}\` |`);
    for (const f of readdirSync(join(ROOT, 'runbooks')))
      expect(doc, f).toContain(`| \`${f.replace(/\.yaml$/, '')}\` |`);
  });
});
