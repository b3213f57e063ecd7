// The Contract screen's form and the YAML beside it. The form is read from the contract as the
// engine parses it; an edit in the form is written back into the YAML document only where it
// changed something, so comments, key order and every key Airlock does not act on stay as the
// analyst (or another ODCS tool) wrote them.
import { parseDocument, isMap, isSeq, YAMLMap, type YAMLSeq, type Document } from 'yaml';
import { parseContract } from '../contract/load.js';
import { canonicalJson } from '../audit/canonicalJson.js';
import type { ColumnSpec, Contract } from '../contract/types.js';
import { UserError } from '../contract/errors.js';
import { closedSetCheck } from '../contract/closedSet.js';
import type { ColumnForm, ContractForm } from './contract.js';

const text = (v: number | string | undefined): string => (v === undefined ? '' : String(v));

export function formOfContract(c: Contract): ContractForm {
  return {
    id: c.id, name: c.name, version: c.version, table: c.table, schemaEvolution: c.schemaEvolution,
    columns: c.columns.map((col) => ({
      name: col.name, logicalType: col.logicalType, required: col.required, unique: col.unique, primaryKey: col.primaryKey,
      pattern: col.pattern ?? '', format: col.formatSource ?? col.format ?? '', enum: col.enum ?? [],
      minimum: text(col.minimum), maximum: text(col.maximum), pii: col.pii ?? '',
    })),
    dependencies: c.fds.map((fd) => ({ determinant: [...fd.determinant], dependent: [...fd.dependent] })),
  };
}

type Path = (string | number)[];

/** A map at `path`, created (in flow style, as the bench contracts write options) when missing. */
function mapAt(doc: Document, path: Path): YAMLMap {
  const node = doc.getIn(path, true);
  if (isMap(node)) return node;
  const created = new YAMLMap();
  created.flow = true;
  doc.setIn(path, created);
  return created;
}

function flowSeq(doc: Document, values: unknown[]): YAMLSeq {
  const seq = doc.createNode(values) as YAMLSeq;
  seq.flow = values.length <= 12;
  return seq;
}

/** Sets or removes a key; an options map left empty is removed with it. */
function setOption(doc: Document, path: Path, key: string, value: unknown): void {
  if (value === undefined) {
    if (doc.hasIn([...path, key])) doc.deleteIn([...path, key]);
    const parent = doc.getIn(path, true);
    if (isMap(parent) && parent.items.length === 0) doc.deleteIn(path);
    return;
  }
  mapAt(doc, path).set(key, value);
}

/**
 * Writes a column's closed set the ODCS v3.1 way, as the validValues of an invalidValues check
 * (v3.1 has no property-level `enum`; an old `enum` key is replaced). An existing check keeps
 * its operator and other arguments; with no values left, a check with nothing else is removed.
 */
function setClosedSet(doc: Document, at: Path, values: string[]): void {
  if (doc.hasIn([...at, 'enum'])) doc.deleteIn([...at, 'enum']);
  const quality = doc.getIn([...at, 'quality'], true);
  const items = isSeq(quality) ? quality.items : [];
  const idx = items.findIndex((q) => isMap(q) && q.get('metric') === 'invalidValues' && (q.get('arguments') as YAMLMap | undefined)?.has?.('validValues'));
  if (idx >= 0) {
    const args: Path = [...at, 'quality', idx, 'arguments'];
    if (values.length) {
      doc.setIn([...args, 'validValues'], flowSeq(doc, values));
      return;
    }
    doc.deleteIn([...args, 'validValues']);
    const left = doc.getIn(args, true);
    if (isMap(left) && left.items.length === 0) doc.deleteIn([...at, 'quality', idx]);
    const q = doc.getIn([...at, 'quality'], true);
    if (isSeq(q) && q.items.length === 0) doc.deleteIn([...at, 'quality']);
    return;
  }
  if (!values.length) return;
  const check = doc.createNode(closedSetCheck([])) as YAMLMap;
  (check.get('arguments') as YAMLMap).set('validValues', flowSeq(doc, values));
  if (isSeq(quality)) quality.items.push(check);
  else doc.setIn([...at, 'quality'], doc.createNode([check]));
}

function bound(col: ColumnForm, v: string): number | string | undefined {
  if (v.trim() === '') return undefined;
  if (col.logicalType === 'integer' || col.logicalType === 'number') {
    const n = Number(v);
    return Number.isFinite(n) ? n : v;
  }
  return v.trim();
}

/** Index of the customProperties entry named `property` in the list at `path`, or -1. */
function customIndex(doc: Document, path: Path, property: string): number {
  const list = doc.getIn(path, true);
  if (!isSeq(list)) return -1;
  return list.items.findIndex((item) => isMap(item) && item.get('property') === property);
}

function setCustom(doc: Document, path: Path, property: string, value: unknown): void {
  const i = customIndex(doc, path, property);
  if (value === undefined) {
    if (i >= 0) doc.deleteIn([...path, i]);
    const list = doc.getIn(path, true);
    if (isSeq(list) && list.items.length === 0) doc.deleteIn(path);
    return;
  }
  if (i >= 0) {
    doc.setIn([...path, i, 'value'], value);
    return;
  }
  const list = doc.getIn(path, true);
  if (isSeq(list)) list.add(doc.createNode({ property, value }));
  else doc.setIn(path, doc.createNode([{ property, value }]));
}

function sameList(a: string[] | undefined, b: string[]): boolean {
  return (a ?? []).length === b.length && (a ?? []).every((x, i) => x === b[i]);
}

function applyColumn(doc: Document, i: number, was: ColumnSpec, col: ColumnForm): void {
  const at: Path = ['schema', 0, 'properties', i];
  const opts: Path = [...at, 'logicalTypeOptions'];
  if (col.logicalType !== was.logicalType) doc.setIn([...at, 'logicalType'], col.logicalType);
  for (const key of ['required', 'unique', 'primaryKey'] as const) {
    if (col[key] !== was[key]) {
      if (col[key]) doc.setIn([...at, key], true);
      else doc.deleteIn([...at, key]);
    }
  }
  if (col.pattern !== (was.pattern ?? '')) setOption(doc, opts, 'pattern', col.pattern || undefined);
  if (col.format !== (was.formatSource ?? was.format ?? '')) setOption(doc, opts, 'format', col.format || undefined);
  if (col.minimum !== text(was.minimum)) setOption(doc, opts, 'minimum', bound(col, col.minimum));
  if (col.maximum !== text(was.maximum)) setOption(doc, opts, 'maximum', bound(col, col.maximum));
  const values = col.enum.map((v) => v.trim()).filter((v) => v !== '');
  if (!sameList(was.enum, values)) setClosedSet(doc, at, values);
  if (col.pii !== (was.pii ?? '')) setCustom(doc, [...at, 'customProperties'], 'pii', col.pii || undefined);
}

/**
 * The YAML with the form's changes written in. Columns are matched by position and must keep
 * their names and count: adding, dropping or renaming a column is a YAML edit (or a drift).
 */
export function applyForm(yaml: string, form: ContractForm, path = 'contract'): string {
  const was = parseContract(yaml, path);
  if (form.columns.length !== was.columns.length || form.columns.some((c, i) => c.name !== was.columns[i].name)) {
    throw new UserError(`${path}: the YAML's columns changed since the form was filled in. The form now shows the YAML again; redo the last form edit.`, path);
  }
  // Nothing changed: the text stays exactly as written (re-printing would re-space flow lists).
  if (canonicalJson(formOfContract(was)) === canonicalJson(form)) return yaml;
  const doc = parseDocument(yaml);
  for (const key of ['id', 'name', 'version'] as const) if (form[key] !== was[key]) doc.set(key, form[key]);
  if (form.table !== was.table) doc.setIn(['schema', 0, 'name'], form.table);
  form.columns.forEach((col, i) => applyColumn(doc, i, was.columns[i], col));
  const table: Path = ['schema', 0, 'customProperties'];
  if (form.schemaEvolution !== was.schemaEvolution) setCustom(doc, table, 'schemaEvolution', form.schemaEvolution === 'strict' && customIndex(doc, table, 'schemaEvolution') < 0 ? undefined : form.schemaEvolution);
  const deps = form.dependencies.filter((d) => d.determinant.length && d.dependent.length);
  const sameDeps = deps.length === was.fds.length && deps.every((d, i) => sameList(was.fds[i].determinant, d.determinant) && sameList(was.fds[i].dependent, d.dependent));
  if (!sameDeps) {
    if (deps.length === 0) setCustom(doc, table, 'functionalDependencies', undefined);
    else {
      setCustom(doc, table, 'functionalDependencies', deps.map((d) => ({ determinant: d.determinant, dependent: d.dependent })));
      const idx = customIndex(doc, table, 'functionalDependencies');
      deps.forEach((_, j) => {
        for (const k of ['determinant', 'dependent']) {
          const node = doc.getIn([...table, idx, 'value', j, k], true);
          if (isSeq(node)) node.flow = true;
        }
      });
    }
  }
  const out = doc.toString({ lineWidth: 0 });
  parseContract(out, path); // the result must load: a form value the engine refuses is reported with its line
  return out;
}
