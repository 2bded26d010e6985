const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

/** Puts `table` between the README's config-table markers (the rest of the text unchanged). */
export function replaceConfigTable(readme: string, table: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a === -1 || b === -1 || b < a) throw new Error('README.md lacks the config-table markers');
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
}
