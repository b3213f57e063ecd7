// "Accept as a new version" after a schema drift: the halted run's contract rewritten to match
// the file's header (renamed columns keep their rules under the new name, new columns come in
// as optional text, dropped ones go, with any dependency that named them), one minor version up.
// The analyst reviews the result in the Contract screen before anything runs with it.
import { parseDocument, isMap, isSeq, type Document, type YAMLMap } from 'yaml';
import { parseContract } from '../contract/load.js';

export function nextMinorVersion(version: string): string {
  const [maj, min] = version.split('.').map((x) => Number(x) || 0);
  return `${maj ?? 0}.${(min ?? 0) + 1}.0`;
}

function renameInDependencies(doc: Document, renames: Map<string, string>, kept: Set<string>): void {
  const list = doc.getIn(['schema', 0, 'customProperties'], true);
  if (!isSeq(list)) return;
  // The source column follows its column's rename; with the column dropped, it goes too.
  list.items = list.items.filter((item) => {
    if (!isMap(item) || item.get('property') !== 'sourceColumn') return true;
    const name = String(item.get('value'));
    if (renames.has(name)) item.set('value', renames.get(name));
    else if (!kept.has(name)) return false;
    return true;
  });
  for (const item of list.items) {
    if (!isMap(item) || item.get('property') !== 'functionalDependencies') continue;
    const fds = item.get('value', true);
    if (!isSeq(fds)) continue;
    fds.items = fds.items.filter((fd) => {
      if (!isMap(fd)) return false;
      for (const key of ['determinant', 'dependent']) {
        const cols = fd.get(key, true);
        if (!isSeq(cols)) return false;
        for (const c of cols.items) {
          const node = c as { value?: unknown };
          const name = String(node.value);
          if (renames.has(name)) node.value = renames.get(name);
          else if (!kept.has(name)) return false;
        }
      }
      return true;
    });
  }
}

export function contractMatchingHeader(yaml: string, header: string[], origin: string): { yaml: string; version: string; changes: string[] } {
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
  was.columns.forEach((c, i) => { if (!used.has(i)) changes.push(`dropped ${c.name}`); });
  if (changes.length === 0) changes.push('columns re-ordered to match the file');
  props.items = next;
  renameInDependencies(doc, renames, new Set(header));
  const version = nextMinorVersion(was.version);
  doc.set('version', version);
  const note = ` Version ${version}: accepted from a schema drift in ${origin}: ${changes.join('; ')}.`;
  doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n${note}` : note;
  const out = doc.toString({ lineWidth: 0 });
  parseContract(out, `contract ${was.id} ${version}`);
  return { yaml: out, version, changes };
}
