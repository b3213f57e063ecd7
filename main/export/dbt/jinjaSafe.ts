// dbt renders Jinja in its SQL files and in the YAML it reads (descriptions, test arguments), so
// text from a contract that lands in the project must not carry Jinja of its own: a column named
// `city{{ env_var('HOME') }}` would run inside the customer's dbt. Rule SQL is wrapped in
// `{% raw %}` (jinjaSql.ts); everything else taken from the contract is checked here, and a
// contract that carries Jinja delimiters or control characters is refused by name.
import { UserError } from '../../contract/errors.js';
import type { Contract } from '../../contract/types.js';

const JINJA = /\{\{|\{%|\{#|\}\}|%\}|#\}/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Every string value of `v`, with a path naming where it sits ("columns[3].name"). */
function* strings(v: unknown, path: string): Generator<[string, string]> {
  if (typeof v === 'string') yield [path, v];
  else if (Array.isArray(v)) for (const [i, x] of v.entries()) yield* strings(x, `${path}[${i}]`);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) yield* strings(x, path ? `${path}.${k}` : k);
}

/** Throws a UserError naming the first place of the contract that cannot go into a dbt project. */
export function refuseJinjaInContract(contract: Contract): void {
  for (const [path, text] of strings(contract, '')) {
    // the contract's own YAML text is not written into the project; its parsed fields are checked
    if (path === 'yaml') continue;
    if (JINJA.test(text)) {
      throw new UserError(`contract ${contract.id}: ${path} holds Jinja delimiters (${JSON.stringify(text.slice(0, 80))}), which dbt would run; rename or reword it before exporting a dbt project. Nothing was written.`);
    }
  }
  for (const [i, c] of contract.columns.entries()) {
    if (CONTROL.test(c.name)) throw new UserError(`contract ${contract.id}: column ${i + 1} (${JSON.stringify(c.name)}) has a control character in its name (a line break, a tab); rename it before exporting a dbt project. Nothing was written.`);
  }
}

/** One line of a SQL comment: line breaks would end the comment and make the rest live SQL. */
export const commentLine = (text: string): string => text.replace(/[\r\n\u2028\u2029]+/g, ' ');
