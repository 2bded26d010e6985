import { ValidationError } from '../shared/index.js';

/** A compiled raw-log header format: splits a line into its named fields. */
export interface LogFormat {
  /** Field names in the order they appear. */
  fields: string[];
  /** The fields of a line, or null when the line does not fit the format. */
  parse(line: string): Record<string, string> | null;
}

const PLACEHOLDER = /<([^<>]+)>/g;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Compiles a format in Loghub's convention: `<Field>` placeholders match lazily, the text between
 * them is a regular expression in which a run of spaces matches any run of whitespace, and the
 * whole line must match (`<Date> <Time> <Level> <Component>: <Content>`).
 */
export function compileLogFormat(format: string): LogFormat {
  const fields: string[] = [];
  let source = '';
  let last = 0;
  for (const m of format.matchAll(PLACEHOLDER)) {
    const name = m[1];
    if (!FIELD_NAME.test(name))
      throw new ValidationError('format', `field name <${name}> is not an identifier`);
    if (fields.includes(name)) throw new ValidationError('format', `field <${name}> appears twice`);
    source += literal(format.slice(last, m.index)) + `(?<${name}>.*?)`;
    fields.push(name);
    last = m.index + m[0].length;
  }
  source += literal(format.slice(last));
  if (fields.length === 0) throw new ValidationError('format', 'the format has no <Field> placeholder');
  let regex: RegExp;
  try {
    regex = new RegExp(`^${source}$`);
  } catch (err) {
    throw new ValidationError('format', `the format is not a valid regular expression: ${String(err)}`, {
      cause: err,
    });
  }
  return {
    fields,
    parse(line: string): Record<string, string> | null {
      const m = regex.exec(line);
      return m === null ? null : { ...(m.groups as Record<string, string>) };
    },
  };
}

function literal(text: string): string {
  return text.replace(/ +/g, '\\s+');
}
