// Loads an ODCS v3.1 contract. Keys Airlock does not act on are kept and ignored; unknown metric
// names, wrong value types and impossible combinations are errors naming file, line and key.
import { isReservedColumn, RESERVED_PREFIX } from '../validate/reservedColumns.js';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node as YamlNode } from 'yaml';
import { UserError } from './errors.js';
import { schemaSignature } from './signature.js';
import { readInferredList, readInferredRule } from './inferredRules.js';
import { readTypeOptions, regexProblem } from './typeOptions.js';
import {
  LIBRARY_METRICS, OPERATORS, PII_KINDS,
  type ColumnSpec, type Contract, type FunctionalDependency, type GateOperator, type LibraryMetric,
  type LogicalType, type Operator, type PiiKind, type QualityCheck,
} from './types.js';

const LOGICAL_TYPES: LogicalType[] = ['string', 'integer', 'number', 'boolean', 'date', 'timestamp', 'time', 'object', 'array'];
const TYPE_ALIASES: Record<string, LogicalType> = {
  string: 'string', text: 'string', varchar: 'string',
  integer: 'integer', int: 'integer', long: 'integer', bigint: 'integer',
  number: 'number', double: 'number', float: 'number', decimal: 'number', numeric: 'number',
  boolean: 'boolean', bool: 'boolean',
  date: 'date', timestamp: 'timestamp', datetime: 'timestamp', time: 'time',
  object: 'object', record: 'object', struct: 'object', map: 'object', json: 'object',
  array: 'array', list: 'array',
};
/** Physical types of common engines (read only when a property has no logicalType). */
const PHYSICAL_ALIASES: Record<string, LogicalType> = {
  ...TYPE_ALIASES,
  char: 'string', nvarchar: 'string', nchar: 'string', int32: 'integer', int64: 'integer', smallint: 'integer',
  tinyint: 'integer', hugeint: 'number', float64: 'number', float32: 'number', real: 'number', 'double precision': 'number',
  timestamp_ntz: 'timestamp', timestamp_tz: 'timestamp', timestamp_ltz: 'timestamp', timestamptz: 'timestamp',
};

/**
 * A property's type: its logicalType, which must be an ODCS type (or a common alias). With no
 * logicalType, a recognisable physicalType (`varchar(255)`, `BIGINT`) gives the type, and any
 * other physicalType, or none, is a string: ODCS makes logicalType optional.
 */
function typeOf(o: Record<string, Json>, path: (string | number)[], at: Locator): LogicalType {
  const logical = o.logicalType;
  if (logical !== undefined && logical !== null) {
    const t = typeof logical === 'string' ? TYPE_ALIASES[logical.trim().toLowerCase()] : undefined;
    if (!t) at.fail([...path, 'logicalType'], `logicalType ${JSON.stringify(logical)} is not one of ${LOGICAL_TYPES.join(', ')}`);
    return t!;
  }
  const physical = str(o.physicalType)?.trim().toLowerCase().replace(/\s*\(.*$/, '');
  return (physical && PHYSICAL_ALIASES[physical]) || 'string';
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function loadContractFile(path: string): Contract {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read the contract file (${(e as NodeJS.ErrnoException).code ?? 'error'}). Check the path.`, path);
  }
  return parseContract(text, path);
}

export function parseContract(text: string, path = '<contract>'): Contract {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line;
    throw new UserError(`${path}:${line}: not valid YAML (${err.message.split('\n')[0]}). Fix the YAML syntax at that line.`, path, line);
  }
  let root: Json;
  try {
    root = doc.toJS() as Json;
  } catch (e) {
    // e.g. an alias bomb: the yaml library refuses to expand it (a ReferenceError, not a YAML error)
    throw new UserError(`${path}:1: the YAML cannot be expanded (${String((e as Error).message).split('\n')[0]}). A contract needs no anchors or aliases that multiply like this.`, path, 1);
  }
  const at = new Locator(doc, lc, path);
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    throw new UserError(`${path}:1: a contract must be a YAML mapping with apiVersion, kind and schema. This file is not one.`, path, 1);
  }
  const r = root as Record<string, Json>;
  if (r.kind !== undefined && r.kind !== 'DataContract') {
    at.fail(['kind'], `kind must be DataContract, found ${JSON.stringify(r.kind)}`);
  }
  const schema = r.schema;
  if (!Array.isArray(schema) || schema.length === 0) at.fail(['schema'], 'schema must be a list with one table (schema[0])');
  const table = (schema as Json[])[0];
  if (!table || typeof table !== 'object' || Array.isArray(table)) at.fail(['schema', 0], 'schema[0] must be a mapping describing the table');
  const t = table as Record<string, Json>;
  const tableName = str(t.name) ?? str(r.name) ?? at.fail(['schema', 0, 'name'], 'schema[0].name (the table name) is required');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tableName)) {
    at.fail(['schema', 0, 'name'], `table name ${JSON.stringify(tableName)} must be letters, digits and underscores`);
  }
  const props = t.properties;
  if (!Array.isArray(props) || props.length === 0) at.fail(['schema', 0, 'properties'], 'schema[0].properties must list the columns');

  const columns = (props as Json[]).map((p, i) => parseColumn(p, ['schema', 0, 'properties', i], at, tableName));
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    const key = c.name.toLowerCase();
    if (seen.has(key)) at.fail(['schema', 0, 'properties', i, 'name'], `column ${JSON.stringify(c.name)} is declared twice`);
    seen.add(key);
  });
  const colNames = new Set(columns.map((c) => c.name));

  const quality = asList(t.quality).map((q, i) => parseQuality(q, ['schema', 0, 'quality', i], at, undefined, tableName, colNames));
  const custom = customProps(t.customProperties, ['schema', 0, 'customProperties'], at);
  const fds: FunctionalDependency[] = [];
  if (custom.functionalDependencies) {
    const { value, path: p } = custom.functionalDependencies;
    if (!Array.isArray(value)) at.fail(p, 'functionalDependencies must be a list of {determinant, dependent}');
    (value as Json[]).forEach((fd, i) => {
      const o = (fd ?? {}) as Record<string, Json>;
      const det = strList(o.determinant), dep = strList(o.dependent);
      if (!det?.length || !dep?.length) at.fail([...p, i], 'each functional dependency needs non-empty determinant and dependent lists');
      for (const c of [...det!, ...dep!]) {
        if (!colNames.has(c)) at.fail([...p, i], `functional dependency names column ${JSON.stringify(c)}, which the contract does not declare`);
      }
      // An emptied `inferred:` (null) is no marker, as a null logicalType or pii is no value elsewhere in the loader.
      const inferred = o.inferred === undefined || o.inferred === null ? undefined : readInferredRule(o.inferred, (why) => at.fail([...p, i, 'inferred'], why));
      fds.push({ determinant: det!, dependent: dep!, ...(inferred ? { inferred } : {}) });
    });
  }
  let sourceColumn: string | undefined;
  if (custom.sourceColumn) {
    const { value, path: p } = custom.sourceColumn;
    if (typeof value !== 'string' || value.trim() === '') at.fail(p, 'sourceColumn must be the name of a column (the one saying which source delivered each row)');
    if (!colNames.has(value as string)) {
      at.fail(p, `sourceColumn names column ${JSON.stringify(value)}, which the contract does not declare; use one of ${[...colNames].join(', ')}`);
    }
    sourceColumn = value as string;
  }
  const variantCheck = readVariantCheck(custom, at);
  let schemaEvolution: 'strict' | 'additive' = 'strict';
  if (custom.schemaEvolution) {
    const v = custom.schemaEvolution.value;
    if (v !== 'strict' && v !== 'additive') at.fail(custom.schemaEvolution.path, `schemaEvolution must be strict or additive, found ${JSON.stringify(v)}`);
    schemaEvolution = v as 'strict' | 'additive';
  }

  return {
    id: str(r.id) ?? tableName,
    name: str(r.name) ?? tableName,
    version: str(r.version) ?? (typeof r.version === 'number' ? String(r.version) : '0.0.0'),
    status: str(r.status),
    table: tableName,
    columns,
    quality,
    fds,
    ...(sourceColumn !== undefined ? { sourceColumn } : {}),
    ...(variantCheck === false ? { variantCheck } : {}),
    schemaEvolution,
    signature: schemaSignature(columns),
    yamlSha256: createHash('sha256').update(text).digest('hex'),
    yaml: text,
    sourcePath: path,
  };
}

function parseColumn(p: Json, path: (string | number)[], at: Locator, tableName: string): ColumnSpec {
  if (!p || typeof p !== 'object' || Array.isArray(p)) at.fail(path, 'each property must be a mapping with at least a name');
  const o = p as Record<string, Json>;
  const name = str(o.name) ?? at.fail(path, 'a property needs a name (the column header)');
  // Airlock's own bookkeeping columns share the row; their prefix is reserved (see reservedColumns).
  if (isReservedColumn(name)) at.fail([...path, 'name'], `column ${JSON.stringify(name)}: names starting with ${RESERVED_PREFIX} are reserved for Airlock's own columns; rename it`);
  const logicalType = typeOf(o, path, at);
  if (o.logicalTypeOptions !== undefined && o.logicalTypeOptions !== null
    && (typeof o.logicalTypeOptions !== 'object' || Array.isArray(o.logicalTypeOptions))) {
    at.fail([...path, 'logicalTypeOptions'], 'logicalTypeOptions must be a mapping of options');
  }
  const opts = (o.logicalTypeOptions ?? {}) as Record<string, Json>;
  const col: ColumnSpec = {
    name,
    logicalType,
    required: o.required === true,
    unique: o.unique === true,
    primaryKey: o.primaryKey === true,
    description: str(o.description),
    missingTokens: [],
    quality: [],
    line: at.line(path),
  };
  readTypeOptions(col, opts, [...path, 'logicalTypeOptions'], at);
  if (o.enum !== undefined) {
    if (!Array.isArray(o.enum)) at.fail([...path, 'enum'], 'enum must be a list of values');
    col.enum = (o.enum as Json[]).map((e, i) => {
      if (e && typeof e === 'object' && !Array.isArray(e)) {
        const v = (e as Record<string, Json>).value;
        if (v === undefined || v === null) at.fail([...path, 'enum', i], 'an enum object needs a value');
        return String(v);
      }
      if (e === null) at.fail([...path, 'enum', i], 'an enum value cannot be null');
      return String(e);
    });
    col.enumRule = `${name}.enum`;
  }
  col.quality = asList(o.quality).map((q, i) => parseQuality(q, [...path, 'quality', i], at, name, tableName));
  // ODCS writes a column's closed set as an invalidValues check with validValues: the first such
  // check is the column's set (NOT_IN_SET), unless the old `enum` key already gave one.
  const setCheck = col.quality.find((q) => q.metric === 'invalidValues' && q.validValues);
  if (setCheck && !col.enum) {
    col.enum = setCheck.validValues;
    col.enumRule = setCheck.name;
  }
  const custom = customProps(o.customProperties, [...path, 'customProperties'], at);
  if (custom.pii && custom.pii.value !== false && custom.pii.value !== null) {
    // datacontract-cli's importer writes `pii: true`: personal data of no stated kind.
    const v = custom.pii.value === true ? 'other' : String(custom.pii.value);
    if (!(PII_KINDS as readonly string[]).includes(v)) at.fail(custom.pii.path, `pii must be one of ${PII_KINDS.join(', ')}`);
    col.pii = v as PiiKind;
  }
  const tokens = new Set<string>();
  if (custom.missingTokens) {
    const list = strList(custom.missingTokens.value, true) ?? at.fail(custom.missingTokens.path, 'missingTokens must be a list of strings');
    list.forEach((x) => tokens.add(x));
  }
  for (const q of col.quality) if (q.metric === 'missingValues') (q.missingValues ?? []).forEach((x) => tokens.add(x));
  col.missingTokens = [...tokens];
  if (readVariantCheck(custom, at) === false) col.variantCheck = false;
  if (custom.inferred && custom.inferred.value !== null && custom.inferred.value !== undefined) col.inferred = readInferredList(custom.inferred.value, (why) => at.fail(custom.inferred.path, why));
  return col;
}

function parseQuality(
  q: Json, path: (string | number)[], at: Locator, column?: string, tableName?: string, colNames?: Set<string>,
): QualityCheck {
  if (!q || typeof q !== 'object' || Array.isArray(q)) at.fail(path, 'each quality entry must be a mapping');
  const o = q as Record<string, Json>;
  const type = (str(o.type) ?? (o.metric !== undefined || o.rule !== undefined ? 'library' : o.query !== undefined ? 'sql' : 'text')).toLowerCase();
  if (!['library', 'sql', 'text', 'custom'].includes(type)) at.fail([...path, 'type'], `quality type must be library, sql, text or custom, found ${JSON.stringify(type)}`);
  const metricRaw = str(o.metric) ?? str(o.rule);
  const check: QualityCheck = {
    name: `${column ?? 'table'}.${metricRaw ?? type}#${path[path.length - 1]}`,
    type: type as QualityCheck['type'],
    column,
    unit: 'rows',
    description: str(o.description),
    line: at.line(path),
  };
  if (type === 'library') {
    if (!metricRaw) at.fail(path, 'a library quality check needs a metric');
    if (!(LIBRARY_METRICS as readonly string[]).includes(metricRaw!)) {
      at.fail([...path, o.metric !== undefined ? 'metric' : 'rule'], `unknown metric ${JSON.stringify(metricRaw)}; use one of ${LIBRARY_METRICS.join(', ')}`);
    }
    check.metric = metricRaw as LibraryMetric;
    const args = (o.arguments && typeof o.arguments === 'object' && !Array.isArray(o.arguments) ? o.arguments : {}) as Record<string, Json>;
    if (args.missingValues !== undefined) check.missingValues = strList(args.missingValues, true) ?? at.fail([...path, 'arguments', 'missingValues'], 'missingValues must be a list');
    if (args.validValues !== undefined) check.validValues = strList(args.validValues, true) ?? at.fail([...path, 'arguments', 'validValues'], 'validValues must be a list');
    if (args.pattern !== undefined) {
      check.pattern = str(args.pattern) ?? at.fail([...path, 'arguments', 'pattern'], 'pattern must be a string');
      const problem = regexProblem(check.pattern);
      if (problem) at.fail([...path, 'arguments', 'pattern'], `pattern ${JSON.stringify(check.pattern)} is not a valid regular expression: ${problem}`);
    }
    if (args.properties !== undefined) {
      check.properties = strList(args.properties) ?? at.fail([...path, 'arguments', 'properties'], 'properties must be a list of column names');
      for (const c of check.properties) if (colNames && !colNames.has(c)) at.fail([...path, 'arguments', 'properties'], `column ${JSON.stringify(c)} is not declared in the contract`);
    }
    if (check.metric === 'invalidValues' && !check.validValues && !check.pattern) {
      at.fail([...path, 'arguments'], 'invalidValues needs arguments.validValues or arguments.pattern');
    }
    if ((check.metric === 'nullValues' || check.metric === 'missingValues' || check.metric === 'invalidValues') && !column) {
      at.fail(path, `${check.metric} is a column-level metric: put it under a property's quality list`);
    }
  } else if (type === 'sql') {
    const query = str(o.query) ?? at.fail([...path, 'query'], 'a sql quality check needs a query returning one number');
    const quote = (n: string) => `"${n.replace(/"/g, '""')}"`;
    // ODCS writes {object} / {property}; datacontract-cli writes {model} and ${model}.
    check.query = query
      .replace(/\$?\{(object|model)\}/g, () => quote(tableName ?? ''))
      .replace(/\$?\{(property|field)\}/g, () => (column ? quote(column) : ''));
  }
  const ops = OPERATORS.filter((op) => o[op] !== undefined);
  if (ops.length > 1) at.fail([...path, ops[1]], `only one operator per check; found ${ops.join(' and ')}`);
  if (ops.length === 1) {
    const op = ops[0] as Operator;
    const v = o[op];
    let value: GateOperator['value'];
    if (op === 'mustBeBetween' || op === 'mustNotBeBetween') {
      if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number') at.fail([...path, op], `${op} takes [low, high]`);
      value = [(v as number[])[0], (v as number[])[1]];
    } else {
      if (typeof v !== 'number') at.fail([...path, op], `${op} takes a number`);
      value = v as number;
    }
    check.operator = { op, value };
  }
  if (o.unit !== undefined) {
    const u = str(o.unit)?.toLowerCase();
    if (u !== 'rows' && u !== 'percent') at.fail([...path, 'unit'], 'unit must be rows or percent');
    check.unit = u as 'rows' | 'percent';
  }
  return check;
}

/** `variantCheck: false` turns off the variant-spelling check (validate/variants.ts); true is the default. */
function readVariantCheck(custom: Record<string, { value: Json; path: (string | number)[] }>, at: Locator): boolean | undefined {
  const c = custom.variantCheck;
  if (!c || c.value === null || c.value === undefined) return undefined;
  if (typeof c.value !== 'boolean') at.fail(c.path, `variantCheck must be true or false, found ${JSON.stringify(c.value)}`);
  return c.value as boolean;
}

function customProps(v: Json | undefined, path: (string | number)[], _at: Locator): Record<string, { value: Json; path: (string | number)[] }> {
  const out: Record<string, { value: Json; path: (string | number)[] }> = {};
  asList(v).forEach((item, i) => {
    const o = (item ?? {}) as Record<string, Json>;
    const prop = str(o.property);
    if (prop) out[prop] = { value: o.value, path: [...path, i, 'value'] };
  });
  return out;
}

function asList(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}
function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function strList(v: Json | undefined, allowScalars = false): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  if (!allowScalars && v.some((x) => typeof x !== 'string')) return undefined;
  return v.map((x) => (x === null ? '' : String(x)));
}

export class Locator {
  constructor(private readonly doc: Document, private readonly lc: LineCounter, private readonly file: string) {}

  line(path: (string | number)[]): number {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as YamlNode | undefined;
      if (node && (node as { range?: [number, number, number] }).range) {
        return this.lc.linePos((node as { range: [number, number, number] }).range[0]).line;
      }
      // A missing key: point at its parent mapping.
      if (n > 0) {
        const parent = this.doc.getIn(path.slice(0, n - 1), true);
        if (parent && (isMap(parent) || isSeq(parent)) && parent.range) return this.lc.linePos(parent.range[0]).line;
      }
    }
    return 1;
  }

  fail(path: (string | number)[], what: string): never {
    const line = this.line(path);
    const key = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
    throw new UserError(`${this.file}:${line}: ${key}: ${what}.`, this.file, line);
  }
}
