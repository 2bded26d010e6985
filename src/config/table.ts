import { SERVE_OPTIONS, envName, type OptionSpec } from './options.js';

/** The README's configuration table, generated from the option table so the two never drift. */
export function configTableMarkdown(): string {
  const rows = (SERVE_OPTIONS as readonly OptionSpec[]).map((s) => {
    const flag = s.type === 'bool' ? `\`--${s.flag}\` / \`--no-${s.flag}\`` : `\`--${s.flag}\``;
    const env = [envName(s.flag), ...(s.aliases ?? [])].map((e) => `\`${e}\``).join(', ');
    const def = s.default === null ? '—' : `\`${String(s.default)}\``;
    const range =
      s.type === 'enum'
        ? ` One of ${s.choices?.join(', ')}.`
        : s.min !== undefined
          ? ` Range ${s.min}–${s.max}.`
          : '';
    return `| ${flag} | ${env} | ${def} | ${s.doc}${range} |`;
  });
  return [
    '| flag | environment | default | meaning |',
    '| --- | --- | --- | --- |',
    '| `--config FILE` | — | — | YAML or JSON file with any of the options below (kebab-case or snake_case keys). |',
    ...rows,
  ].join('\n');
}
