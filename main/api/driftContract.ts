// "Accept as a new version" after a schema drift: the halted run's contract rewritten to match
// the file's header (renamed columns keep their rules under the new name, new columns come in
// as optional text, dropped ones go, and each table rule loses only the dropped column), one
// minor version up.
// The analyst reviews the result in the Contract screen before anything runs with it.
import { parseDocument, isMap, isSeq, visit, type Document, type Node, type YAMLMap } from 'yaml';
import { parseContract } from '../contract/load.js';
import { contractRuleDiff, type RuleDiffLine } from './ruleDiff.js';

export function nextMinorVersion(version: string): string {
  const [maj, min] = version.split('.').map((x) => Number(x) || 0);
  return `${maj ?? 0}.${(min ?? 0) + 1}.0`;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const arrow = (det: string[], dep: string[]) => `${det.join(', ')} → ${dep.join(', ')}`;

/**
 * Carries the table-level rules over to the file's columns and says what changed in each.
 * A renamed column is renamed wherever a rule names it. A dropped column leaves only the rules
 * it was part of: a dependency keeps its other dependents (dropping `county` leaves
 * `zip → city, state`), and goes only when nothing is left to check. A dependency or a composite
 * key whose determinant lost a column goes whole, with a line saying so: `a → c` is a stronger
 * claim than `a, b → c`, and a contract must never claim more than the analyst approved.
 */
function carryTableRules(doc: Document, renames: Map<string, string>, kept: Map<string, string>, dropped: string[]): string[] {
  const changes: string[] = [];
  // A rule may reuse a list or a name by YAML alias (`determinant: *k`): each rule gets its own
  // copy first, so that it is read as the parser reads it and edited without touching the others.
  for (const path of [['schema', 0, 'customProperties'], ['schema', 0, 'quality']]) {
    const node = doc.getIn(path, true);
    if (!node || typeof node !== 'object') continue;
    visit(node as Node, {
      Alias(_, alias) {
        const copy = alias.resolve(doc)?.clone() as Node | undefined;
        if (!copy) return undefined;
        visit(copy, { Node(_k, n) { if ('anchor' in n) delete (n as { anchor?: string }).anchor; } });
        delete (copy as { anchor?: string }).anchor;
        return copy;
      },
    });
  }
  // `kept`: the new version's column names by their lower case (a header's case may differ)
  const follow = (name: string): string | null => renames.get(name) ?? kept.get(name.toLowerCase()) ?? null;
  const list = doc.getIn(['schema', 0, 'customProperties'], true);
  if (isSeq(list)) {
    // The source column follows its column's rename; with the column dropped, it goes too.
    list.items = list.items.filter((item) => {
      if (!isMap(item) || item.get('property') !== 'sourceColumn') return true;
      const name = String(item.get('value'));
      const now = follow(name);
      if (now === null) changes.push(`source column ${name} dropped: dependency repair no longer weighs sources`);
      else item.set('value', now);
      return now !== null;
    });
    for (const item of list.items) {
      if (!isMap(item) || item.get('property') !== 'functionalDependencies') continue;
      const fds = item.get('value', true);
      if (!isSeq(fds)) continue;
      fds.items = fds.items.filter((fd) => {
        if (!isMap(fd)) return false;
        const det = fd.get('determinant', true);
        const dep = fd.get('dependent', true);
        if (!isSeq(det) || !isSeq(dep)) return false;
        const detNames = det.items.map((c) => String((c as { value?: unknown }).value));
        const depNames = dep.items.map((c) => String((c as { value?: unknown }).value));
        const was = arrow(detNames, depNames);
        const lostDet = detNames.filter((c) => follow(c) === null);
        if (lostDet.length > 0) {
          changes.push(`dependency ${was} removed: its determinant ${lostDet.join(', ')} is not in the file`);
          return false;
        }
        for (const c of det.items) (c as { value?: unknown }).value = follow(String((c as { value?: unknown }).value));
        const lostDep = depNames.filter((c) => follow(c) === null);
        dep.items = dep.items.filter((c) => follow(String((c as { value?: unknown }).value)) !== null);
        for (const c of dep.items) (c as { value?: unknown }).value = follow(String((c as { value?: unknown }).value));
        if (lostDep.length === 0) return true;
        if (dep.items.length === 0) {
          changes.push(`dependency ${was} removed: none of its dependents is in the file`);
          return false;
        }
        changes.push(`dependency ${was} keeps ${dep.items.map((c) => String((c as { value?: unknown }).value)).join(', ')} (${lostDep.join(', ')} dropped)`);
        return true;
      });
    }
  }
  const quality = doc.getIn(['schema', 0, 'quality'], true);
  if (isSeq(quality)) {
    quality.items = quality.items.filter((q, i) => {
      if (!isMap(q)) return true;
      const props = q.getIn(['arguments', 'properties'], true);
      if (isSeq(props)) {
        const names = props.items.map((c) => String((c as { value?: unknown }).value));
        const lost = names.filter((c) => follow(c) === null);
        if (lost.length > 0) {
          changes.push(`table check ${i + 1} (${String(q.get('metric') ?? q.get('type') ?? 'check')} over ${names.join(', ')}) removed: ${lost.join(', ')} is not in the file`);
          return false;
        }
        for (const c of props.items) (c as { value?: unknown }).value = follow(String((c as { value?: unknown }).value));
      }
      // SQL is the analyst's own text: it is never rewritten, only pointed out.
      const query = q.get('query');
      if (typeof query === 'string') {
        const named = [...renames.keys(), ...dropped].filter((c) => new RegExp(`(^|[^A-Za-z0-9_])${escapeRegExp(c)}($|[^A-Za-z0-9_])`, 'i').test(query));
        if (named.length > 0) changes.push(`table check ${i + 1} is SQL naming ${named.join(', ')}: check its query`);
      }
      return true;
    });
  }
  return changes;
}

export function contractMatchingHeader(yaml: string, header: string[], origin: string): { yaml: string; version: string; changes: string[]; ruleDiff: RuleDiffLine[] } {
  const was = parseContract(yaml, 'contract');
  const doc = parseDocument(yaml);
  const props = doc.getIn(['schema', 0, 'properties'], true);
  if (!isSeq(props)) throw new Error('contract has no properties list');
  const nodes = props.items as YAMLMap[];
  const byName = new Map(was.columns.map((c, i) => [c.name.toLowerCase(), i]));
  const inFile = new Set(header.map((h) => h.toLowerCase()));
  const used = new Set<number>();
  const renames = new Map<string, string>();
  const changes: string[] = [];
  const next = header.map((h, pos) => {
    const same = byName.get(h.toLowerCase());
    if (same !== undefined) {
      used.add(same);
      return nodes[same];
    }
    // The same position held a column the file no longer has: the column was renamed.
    const old = was.columns[pos];
    if (old && !inFile.has(old.name.toLowerCase()) && !used.has(pos)) {
      used.add(pos);
      renames.set(old.name, h);
      nodes[pos].set('name', h);
      changes.push(`renamed ${old.name} to ${h}`);
      return nodes[pos];
    }
    changes.push(`added ${h} (optional text)`);
    return doc.createNode({ name: h, logicalType: 'string' }) as YAMLMap;
  });
  const dropped = was.columns.filter((_, i) => !used.has(i)).map((c) => c.name);
  for (const c of dropped) changes.push(`dropped ${c}`);
  props.items = next;
  const kept = new Map(next.map((node) => [String(node.get('name')).toLowerCase(), String(node.get('name'))]));
  changes.push(...carryTableRules(doc, renames, kept, dropped));
  if (changes.length === 0) changes.push('columns re-ordered to match the file');
  const version = nextMinorVersion(was.version);
  doc.set('version', version);
  const note = ` Version ${version}: accepted from a schema drift in ${origin}: ${changes.join('; ')}.`;
  doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n${note}` : note;
  const out = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  const now = parseContract(out, `contract ${was.id} ${version}`);
  return { yaml: out, version, changes, ruleDiff: contractRuleDiff(was, now, renames) };
}
