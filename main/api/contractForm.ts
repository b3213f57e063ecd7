// The Contract screen's form and the YAML beside it. The form is read from the contract as the
// engine parses it; an edit in the form is written back into the YAML document only where it
// changed something, so comments, key order and every key Airlock does not act on stay as the
// analyst (or another ODCS tool) wrote them.
import { parseDocument, isMap, isSeq, YAMLMap, type YAMLSeq, type Document } from 'yaml';
import { parseContract } from '../contract/load.js';
import { canonicalJson } from '../audit/canonicalJson.js';
import type { ColumnSpec, Contract, InferredRule } from '../contract/types.js';
import { UserError } from '../contract/errors.js';
import { closedSetCheck } from '../contract/closedSet.js';
import { inferredYaml } from '../contract/inferredRules.js';
import type { ColumnForm, ContractForm, DependencyForm, InferredRuleView } from './contract.js';

const text = (v: number | string | undefined): string => (v === undefined ? '' : String(v));

const viewOf = (r: InferredRule): InferredRuleView => ({ rule: r.rule, share: r.share, evidence: r.evidence, counterexamples: [...r.counterexamples], confirmed: r.confirmed });

export function formOfContract(c: Contract): ContractForm {
  return {
    id: c.id, name: c.name, version: c.version, table: c.table, schemaEvolution: c.schemaEvolution,
    columns: c.columns.map((col) => ({
      name: col.name, logicalType: col.logicalType, required: col.required, unique: col.unique, primaryKey: col.primaryKey,
      pattern: col.pattern ?? '', format: col.formatSource ?? col.format ?? '', enum: col.enum ?? [],
      minimum: text(col.minimum), maximum: text(col.maximum), pii: col.pii ?? '',
      inferred: (col.inferred ?? []).map(viewOf),
    })),
    dependencies: c.fds.map((fd) => ({ determinant: [...fd.determinant], dependent: [...fd.dependent], ...(fd.inferred ? { inferred: viewOf(fd.inferred) } : {}) })),
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

/**
 * What the form's edit means for each inferred rule of a column: `drop` when the rule itself is
 * gone (a pattern cleared, required unticked: there is nothing left to confirm), `true` when the
 * analyst ticked it or edited the rule's value (an edit is a decision), otherwise the tick as the
 * form has it.
 */
function inferredDecisions(was: ColumnSpec, col: ColumnForm): (boolean | 'drop')[] {
  const values = col.enum.map((v) => v.trim()).filter((v) => v !== '');
  const typeEdited = col.logicalType !== was.logicalType;
  const formatEdited = col.format !== (was.formatSource ?? was.format ?? '');
  const edit: Record<string, { edited: boolean; gone: boolean }> = {
    type: { edited: typeEdited, gone: false },
    'type and format': { edited: typeEdited || formatEdited, gone: false },
    format: { edited: formatEdited, gone: col.format === '' },
    pattern: { edited: col.pattern !== (was.pattern ?? ''), gone: col.pattern === '' },
    validValues: { edited: !sameList(was.enum, values), gone: values.length === 0 },
    required: { edited: col.required !== was.required, gone: !col.required },
    unique: { edited: col.unique !== was.unique, gone: !col.unique },
    primaryKey: { edited: col.primaryKey !== was.primaryKey, gone: !col.primaryKey },
  };
  return (was.inferred ?? []).map((r, k) => {
    const e = edit[r.rule];
    if (e?.edited && e.gone) return 'drop';
    return e?.edited ? true : col.inferred[k].confirmed;
  });
}

/** Writes the column's inferred-rule decisions into its `inferred` list, in place. */
function applyInferred(doc: Document, at: Path, was: ColumnSpec, col: ColumnForm): void {
  const rules = was.inferred ?? [];
  if (!rules.length) return;
  const custom: Path = [...at, 'customProperties'];
  const ci = customIndex(doc, custom, 'inferred');
  if (ci < 0) return;
  const list: Path = [...custom, ci, 'value'];
  const decisions = inferredDecisions(was, col);
  decisions.forEach((d, k) => {
    if (d !== 'drop' && d !== rules[k].confirmed) doc.setIn([...list, k, 'confirmed'], d);
  });
  for (let k = decisions.length - 1; k >= 0; k--) if (decisions[k] === 'drop') doc.deleteIn([...list, k]);
  const left = doc.getIn(list, true);
  if (isSeq(left) && left.items.length === 0) setCustom(doc, custom, 'inferred', undefined);
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
  applyInferred(doc, at, was, col);
}

/** An inferred marker as a compact flow map, as `airlock profile` writes it. */
function inferredNode(doc: Document, r: InferredRuleView): YAMLMap {
  const node = doc.createNode(inferredYaml(r)) as YAMLMap;
  node.flow = true;
  return node;
}

/**
 * Writes the form's dependencies. When only ticks changed, each marker's `confirmed` is set in
 * place; otherwise the list is rebuilt, keeping the YAML entry of every dependency the form still
 * has as it was (with its marker), and a dependency the analyst edited comes back confirmed.
 */
function applyDependencies(doc: Document, was: Contract, deps: DependencyForm[]): void {
  const table: Path = ['schema', 0, 'customProperties'];
  const idx = customIndex(doc, table, 'functionalDependencies');
  const same = deps.length === was.fds.length && deps.every((d, i) => sameList(was.fds[i].determinant, d.determinant) && sameList(was.fds[i].dependent, d.dependent));
  if (same) {
    deps.forEach((d, j) => {
      const w = was.fds[j].inferred;
      if (w && d.inferred && d.inferred.confirmed !== w.confirmed) doc.setIn([...table, idx, 'value', j, 'inferred', 'confirmed'], d.inferred.confirmed);
    });
    return;
  }
  if (deps.length === 0) {
    setCustom(doc, table, 'functionalDependencies', undefined);
    return;
  }
  const old = idx >= 0 ? doc.getIn([...table, idx, 'value'], true) : undefined;
  const used = new Set<number>();
  const items = deps.map((d) => {
    const j = was.fds.findIndex((f, k) => !used.has(k) && sameList(f.determinant, d.determinant) && sameList(f.dependent, d.dependent));
    const kept = j >= 0 && isSeq(old) ? old.items[j] : undefined;
    if (isMap(kept)) {
      used.add(j);
      const marker: unknown = kept.get('inferred', true);
      if (isMap(marker) && was.fds[j].inferred && d.inferred && d.inferred.confirmed !== was.fds[j].inferred!.confirmed) marker.set('confirmed', d.inferred.confirmed);
      return kept;
    }
    const node = doc.createNode({ determinant: d.determinant, dependent: d.dependent }) as YAMLMap;
    for (const k of ['determinant', 'dependent']) {
      const list: unknown = node.get(k, true);
      if (isSeq(list)) list.flow = true;
    }
    if (d.inferred) node.set('inferred', inferredNode(doc, { ...d.inferred, confirmed: true }));
    return node;
  });
  if (isSeq(old)) {
    old.items = items;
    return;
  }
  setCustom(doc, table, 'functionalDependencies', doc.createNode(items));
}

/**
 * The YAML with the form's changes written in. Columns are matched by position and must keep
 * their names and count: adding, dropping or renaming a column is a YAML edit (or a drift).
 */
export function applyForm(yaml: string, form: ContractForm, path = 'contract'): string {
  const was = parseContract(yaml, path);
  const staleInferred = (c: ColumnForm, i: number) => {
    const rules = was.columns[i].inferred ?? [];
    return c.inferred.length !== rules.length || c.inferred.some((r, k) => r.rule !== rules[k].rule);
  };
  if (form.columns.length !== was.columns.length || form.columns.some((c, i) => c.name !== was.columns[i].name || staleInferred(c, i))) {
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
  applyDependencies(doc, was, form.dependencies.filter((d) => d.determinant.length && d.dependent.length));
  const out = doc.toString({ lineWidth: 0 });
  parseContract(out, path); // the result must load: a form value the engine refuses is reported with its line
  return out;
}
