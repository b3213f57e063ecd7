// Writes a profile as an ODCS v3.1 contract in the shape of the bench contracts
// (../shared/bench/hospital/contract.odcs.yaml), with a header saying it is a proposal.
import { Document, Scalar, isCollection, parse, visit } from 'yaml';
import type { ColumnProfile } from './profileInfer.js';
import type { FdProposal } from './profileFds.js';
import { closedSetCheck } from './closedSet.js';
import { inferredYaml } from './inferredRules.js';
import type { InferredRule } from './types.js';

/** The evidence of each inferred rule, written beside it with `confirmed: false` (profileEvidence.ts). */
export interface ProposalEvidence {
  columns: Map<string, InferredRule[]>;
  /** one per entry of the fds list, in order */
  dependencies: InferredRule[];
}

export interface ProposalMeta {
  table: string;
  displayName: string;
  rows: number;
  malformedRows: number;
}

function property(c: ColumnProfile, inferred: InferredRule[] | undefined): Record<string, unknown> {
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
  if (inferred?.length) custom.push({ property: 'inferred', value: inferred.map(inferredYaml) });
  if (custom.length) p.customProperties = custom;
  return p;
}

export function proposalYaml(meta: ProposalMeta, columns: ColumnProfile[], fds: FdProposal[], evidence?: ProposalEvidence): string {
  const table: Record<string, unknown> = {
    name: meta.table,
    logicalType: 'object',
    properties: columns.map((c) => property(c, evidence?.columns.get(c.name))),
    quality: [{ metric: 'rowCount', mustBeGreaterThan: 0 }],
  };
  if (fds.length) {
    table.customProperties = [{
      property: 'functionalDependencies',
      value: fds.map((f, i) => {
        const r = evidence?.dependencies[i];
        return { determinant: f.determinant, dependent: f.dependent, ...(r ? { inferred: inferredYaml(r) } : {}) };
      }),
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
    ' Each inferred rule carries its evidence (the share it holds for, values that break it) and',
    ' confirmed: false. It is enforced all the same; review each one, keep what is a real rule and',
    ' set confirmed: true (the contract screen does this with a tick).',
  ].join('\n');
  // Short lists and options read best on one line, as in the hand-written contracts.
  columns.forEach((c, i) => {
    for (const key of ['logicalTypeOptions', 'customProperties'] as const) {
      const node = doc.getIn(['schema', 0, 'properties', i, key], true);
      if (isCollection(node)) {
        node.flow = key !== 'customProperties';
        // One line per extension, except the evidence of inferred rules, which reads best as a block.
        if (key === 'customProperties') node.items.forEach((item) => { if (isCollection(item)) item.flow = !isInferred(item); });
      }
    }
    // Inferred rules: one line each, their counterexamples on one line.
    const custom = doc.getIn(['schema', 0, 'properties', i, 'customProperties'], true);
    if (isCollection(custom)) {
      for (const item of custom.items) {
        if (!isInferred(item)) continue;
        const list = (item as { get(k: string, keep: true): unknown }).get('value', true);
        if (isCollection(list)) list.items.forEach((r) => { if (isCollection(r)) r.flow = true; });
      }
    }
    const values = doc.getIn(['schema', 0, 'properties', i, 'quality', 0, 'arguments', 'validValues'], true);
    if (isCollection(values) && (c.enum ?? []).join(', ').length <= 80) values.flow = true;
    if (isCollection(values) && c.enumExcluded?.length) values.comment = ` left out as probable misspellings: ${c.enumExcluded.join(', ')}`;
  });
  fds.forEach((_, i) => {
    for (const key of ['determinant', 'dependent', 'inferred']) {
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
      if (typeof node.value === 'string' && (/^(y|n|yes|no|on|off|true|false)$/i.test(node.value) || !plainIn11(node.value))) node.type = Scalar.QUOTE_SINGLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** Whether a YAML 1.1 reader takes the text, written plain, for that text ('1_000', '1:20', '2024-01-01' are numbers and dates to it). */
function plainIn11(text: string): boolean {
  if (!/^[-+.0-9~=<]|^null$/i.test(text)) return true;
  try {
    return parse(text, { version: '1.1' }) === text;
  } catch {
    return false;
  }
}

function isInferred(item: unknown): boolean {
  return isCollection(item) && (item as { get(k: string): unknown }).get('property') === 'inferred';
}
