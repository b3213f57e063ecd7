// Model SQL for dbt is Jinja: `{{ ref('x') }}` links models, and anything else in braces would be
// read as Jinja too. Airlock's compilers write DuckDB SQL with struct literals (`{'a': 1}`) and
// contracts carry regular expressions (`\d{5}`), so the generator writes SQL with ref
// placeholders and renders it here: placeholders become refs, and every other stretch that holds
// a brace is wrapped in `{% raw %}` so that Jinja passes it through byte for byte.

const MARK = '\u0001';

/** A placeholder for `{{ ref('name') }}` inside SQL built by string composition. */
export function ref(model: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(model)) throw new Error(`dbt model name ${JSON.stringify(model)} is not a plain lower-case identifier`);
  return `${MARK}ref:${model}${MARK}`;
}

/** A placeholder for a call of one of the project's macros without arguments: `{{ name() }}`. */
export function macroCall(name: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`macro name ${JSON.stringify(name)} is not a plain identifier`);
  return `${MARK}macro:${name}${MARK}`;
}

/**
 * A placeholder for a Jinja expression `{{ expr }}`: a call of the project's dialect macros with
 * literal arguments, built by portableSql.ts (its arguments are JSON, which Jinja reads as its own
 * string and list literals).
 */
export function jinjaExpr(expr: string): string {
  if (expr.includes(MARK)) throw new Error(`a Jinja expression cannot hold the placeholder mark: ${JSON.stringify(expr)}`);
  return `${MARK}jinja:${expr}${MARK}`;
}

/** The model names a SQL text refers to, in order of first use. */
export function refsOf(sql: string): string[] {
  const out: string[] = [];
  for (const m of sql.matchAll(new RegExp(`${MARK}ref:([a-z0-9_]+)${MARK}`, 'g'))) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

/** SQL with placeholders → the Jinja text of a model (or test) file. */
export function renderJinja(sql: string): string {
  const parts = sql.split(MARK);
  let out = '';
  parts.forEach((p, i) => {
    if (i % 2 === 1) {
      if (p.startsWith('ref:')) out += `{{ ref('${p.slice(4)}') }}`;
      else if (p.startsWith('macro:')) out += `{{ ${p.slice(6)}() }}`;
      else if (p.startsWith('jinja:')) out += `{{ ${p.slice(6)} }}`;
      else throw new Error(`unknown placeholder ${JSON.stringify(p)}`);
      return;
    }
    if (!/[{}]|\{%|\{#/.test(p)) {
      out += p;
      return;
    }
    // The one text raw cannot carry is its own end tag; no compiled check or rule writes it.
    if (/\{%-?\s*endraw\s*-?%\}/.test(p)) throw new Error('SQL holds the text {% endraw %}, which cannot be carried through Jinja');
    out += `{% raw %}${p}{% endraw %}`;
  });
  return out;
}
