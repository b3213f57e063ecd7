// Hand-written reference tables (resources/reference/*.csv): countries, US states, currencies.
// Loaded once per run; each entity lists its canonical forms and the spellings that name it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ReferenceDomain = 'country' | 'us_state' | 'currency';

/** One real-world thing and the ways of writing it. */
export interface ReferenceEntity {
  /** forms a column may want, by name: alpha2/alpha3/name, code/name, code/symbol/name */
  forms: Record<string, string>;
  /** every spelling (forms included) that identifies this entity */
  aliases: string[];
}

export interface ReferenceTable {
  domain: ReferenceDomain;
  /** the form names in `forms`, most code-like first */
  formNames: string[];
  entities: ReferenceEntity[];
}

export type ReferenceTables = Record<ReferenceDomain, ReferenceTable>;

/** Minimal RFC 4180 reader: quoted fields, doubled quotes. The files are ours and small. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

function readTable(path: string, domain: ReferenceDomain, formNames: string[], variantsColumn: string): ReferenceTable {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  const idx = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${path}: missing column ${name}`);
    return i;
  };
  const vi = idx(variantsColumn);
  const entities = rows.map((r) => {
    const forms: Record<string, string> = {};
    for (const f of formNames) if (r[idx(f)]) forms[f] = r[idx(f)];
    const variants = (r[vi] ?? '').split('|').filter((v) => v !== '');
    return { forms, aliases: [...Object.values(forms), ...variants] };
  });
  return { domain, formNames, entities };
}

export function loadReferenceTables(resourcesDir: string): ReferenceTables {
  const dir = join(resourcesDir, 'reference');
  return {
    country: readTable(join(dir, 'countries.csv'), 'country', ['alpha2', 'alpha3', 'name'], 'variants'),
    us_state: readTable(join(dir, 'us_states.csv'), 'us_state', ['code', 'name'], 'abbreviations'),
    currency: readTable(join(dir, 'currencies.csv'), 'currency', ['code', 'symbol', 'name'], 'variants'),
  };
}

/**
 * Lookup key for an alias or a raw value: case, dots and spacing do not distinguish spellings
 * ('Calif.' = 'calif', 'N. Y.' = 'NY'); accents are folded ('México' = 'Mexico').
 */
export function referenceKey(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[.\s\u00a0]+/g, '');
}
