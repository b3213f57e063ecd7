// Writes a profile as an ODCS v3.1 contract in the shape of the bench contracts
// (../shared/bench/hospital/contract.odcs.yaml), with a header saying it is a proposal.
import { Document, Scalar, isCollection, visit } from 'yaml';
import type { ColumnProfile } from './profileInfer.js';
import type { FdProposal } from './profileFds.js';
import { closedSetCheck } from './closedSet.js';

export interface ProposalMeta {
  table: string;
  displayName: string;
  rows: number;
  malformedRows: number;
}

function property(c: ColumnProfile): Record<string, unknown> {
  const p: Record<string, unknown> = { name: c.name, logicalType: c.inferredType };
  if (c.description) p.description = c.description;
  if (c.required) p.required = true;
  if (c.primaryKey) p.primaryKey = true;
  else if (c.unique) p.unique = true;
  const opts: Record<string, unknown> = {};
  if (c.format) opts.format = c.format;
  if (c.pattern) opts.pattern = c.pattern;
  if (Object.keys(opts).length) p.logicalTypeOptions = opts;
  // ODCS v3.1 has no property-level enum: a closed set is an invalidValues check (closedSet.ts).
  if (c.enum) p.quality = [closedSetCheck(c.enum)];
  const custom: { property: string; value: unknown }[] = [];
  if (c.pii) custom.push({ property: 'pii', value: c.pii });
  if (c.missingTokens.length) custom.push({ property: 'missingTokens', value: c.missingTokens });
  if (custom.length) p.customProperties = custom;
  return p;
}

export function proposalYaml(meta: ProposalMeta, columns: ColumnProfile[], fds: FdProposal[]): string {
  const table: Record<string, unknown> = {
    name: meta.table,
    logicalType: 'object',
    properties: columns.map(property),
    quality: [{ metric: 'rowCount', mustBeGreaterThan: 0 }],
  };
  if (fds.length) {
    table.customProperties = [{
      property: 'functionalDependencies',
      value: fds.map((f) => ({ determinant: f.determinant, dependent: f.dependent })),
    }];
  }
  const doc = new Document({
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: `${meta.table}-proposed`,
    name: meta.table,
    version: '0.1.0',
    status: 'draft',
    schema: [table],
  });
  const malformed = meta.malformedRows ? `, ${meta.malformedRows} malformed record(s) left out` : '';
  doc.commentBefore = [
    ` Proposed by \`airlock profile\` from ${meta.displayName} (${meta.rows} rows${malformed}).`,
    ' Inferred from the data as it is, errors included: review every type, pattern, value set and',
    ' dependency, and keep only what is a real rule, before using this contract.',
  ].join('\n');
  // Short lists and options read best on one line, as in the hand-written contracts.
  columns.forEach((c, i) => {
    for (const key of ['logicalTypeOptions', 'customProperties'] as const) {
      const node = doc.getIn(['schema', 0, 'properties', i, key], true);
      if (isCollection(node)) {
        node.flow = key !== 'customProperties';
        if (key === 'customProperties') node.items.forEach((item) => { if (isCollection(item)) item.flow = true; });
      }
    }
    const values = doc.getIn(['schema', 0, 'properties', i, 'quality', 0, 'arguments', 'validValues'], true);
    if (isCollection(values) && (c.enum ?? []).join(', ').length <= 80) values.flow = true;
    if (isCollection(values) && c.enumExcluded?.length) values.comment = ` left out as probable misspellings: ${c.enumExcluded.join(', ')}`;
  });
  fds.forEach((_, i) => {
    for (const key of ['determinant', 'dependent']) {
      const node = doc.getIn(['schema', 0, 'customProperties', 0, 'value', i, key], true);
      if (isCollection(node)) node.flow = true;
    }
  });
  // YAML 1.1 readers (still common in ODCS tooling) take a plain yes/no/on/off for a boolean.
  // Patterns and formats are always quoted: a plain `\d\.\d+(%)?` inside a flow mapping is not
  // YAML that every parser reads (PyYAML refuses it).
  visit(doc, {
    Pair(_, pair) {
      const key = (pair.key as Scalar | null)?.value;
      if ((key === 'pattern' || key === 'format') && pair.value instanceof Scalar) pair.value.type = Scalar.QUOTE_SINGLE;
    },
    Scalar(_, node) {
      if (typeof node.value === 'string' && /^(y|n|yes|no|on|off|true|false)$/i.test(node.value)) node.type = Scalar.QUOTE_SINGLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
