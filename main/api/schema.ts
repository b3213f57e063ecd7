// A tiny runtime schema for the API's inputs: each call's input is checked (shape, types, sizes)
// before it reaches the engine, in the IPC router and again in the handler table. The static
// type of an input is inferred from its schema, so the check and the type cannot drift apart.
// No Node imports: the preload bundles this file.

export class SchemaError extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path || 'input'}: ${problem}`);
    this.name = 'SchemaError';
  }
}

export interface Schema<T, O extends boolean = boolean> {
  /** true when the field may be left out of an object */
  readonly optional: O;
  /** returns the value when it fits, throws SchemaError naming the path otherwise */
  parse(value: unknown, path?: string): T;
}

export type Infer<S> = S extends Schema<infer T, boolean> ? T : never;

function schema<T>(parse: (value: unknown, path: string) => T): Schema<T, false>;
function schema<T>(parse: (value: unknown, path: string) => T, optional: true): Schema<T, true>;
function schema<T>(parse: (value: unknown, path: string) => T, optional = false): Schema<T> {
  return { optional, parse: (value, path = '') => parse(value, path) };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export interface StringRule {
  /** default 1: an empty string is rarely what a caller meant */
  min?: number;
  max: number;
  pattern?: RegExp;
}

export function string(rule: StringRule): Schema<string, false> {
  return schema((v, path) => {
    if (typeof v !== 'string') throw new SchemaError(path, `expected text, got ${kindOf(v)}`);
    if (v.length < (rule.min ?? 1)) throw new SchemaError(path, rule.min === undefined || rule.min === 1 ? 'must not be empty' : `must be at least ${rule.min} characters`);
    if (v.length > rule.max) throw new SchemaError(path, `is ${v.length} characters, more than the ${rule.max} allowed`);
    if (rule.pattern && !rule.pattern.test(v)) throw new SchemaError(path, `does not look right (${JSON.stringify(v.slice(0, 60))})`);
    return v;
  });
}

export function number(rule: { min?: number; max?: number; integer?: boolean } = {}): Schema<number, false> {
  return schema((v, path) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new SchemaError(path, `expected a number, got ${kindOf(v)}`);
    if (rule.integer && !Number.isInteger(v)) throw new SchemaError(path, 'must be a whole number');
    if (rule.min !== undefined && v < rule.min) throw new SchemaError(path, `must be at least ${rule.min}`);
    if (rule.max !== undefined && v > rule.max) throw new SchemaError(path, `must be at most ${rule.max}`);
    return v;
  });
}

export function boolean(): Schema<boolean, false> {
  return schema((v, path) => {
    if (typeof v !== 'boolean') throw new SchemaError(path, `expected true or false, got ${kindOf(v)}`);
    return v;
  });
}

export function oneOf<const T extends string>(values: readonly T[]): Schema<T, false> {
  return schema((v, path) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new SchemaError(path, `must be one of ${values.join(', ')}`);
    return v as T;
  });
}

export function optional<T>(inner: Schema<T>): Schema<T | undefined, true> {
  return schema((v, path) => (v === undefined ? undefined : inner.parse(v, path)), true);
}

export function nullable<T>(inner: Schema<T, false>): Schema<T | null, false> {
  return schema((v, path) => (v === null ? null : inner.parse(v, path)));
}

export function array<T>(item: Schema<T>, max: number): Schema<T[], false> {
  return schema((v, path) => {
    if (!Array.isArray(v)) throw new SchemaError(path, `expected a list, got ${kindOf(v)}`);
    if (v.length > max) throw new SchemaError(path, `has ${v.length} items, more than the ${max} allowed`);
    return v.map((x, i) => item.parse(x, `${path}[${i}]`));
  });
}

/** A map of names to values (e.g. a rule's column → expression). */
export function record<T>(key: Schema<string>, value: Schema<T>, maxKeys: number): Schema<Record<string, T>, false> {
  return schema((v, path) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SchemaError(path, `expected an object, got ${kindOf(v)}`);
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length > maxKeys) throw new SchemaError(path, `has ${entries.length} keys, more than the ${maxKeys} allowed`);
    const out: Record<string, T> = Object.create(null) as Record<string, T>;
    for (const [k, x] of entries) out[key.parse(k, `${path}{key}`)] = value.parse(x, `${path}.${k}`);
    return out;
  });
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<P extends Shape> = { [K in keyof P]: P[K] extends Schema<unknown, true> ? K : never }[keyof P];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<P extends Shape> = Simplify<
  { [K in Exclude<keyof P, OptionalKeys<P>>]: Infer<P[K]> } & { [K in OptionalKeys<P>]?: Infer<P[K]> }
>;

/** A plain object with exactly these keys: an unknown key is an error, not silently dropped. */
export function object<P extends Shape>(shape: P): Schema<ObjectOf<P>, false> {
  return schema((v, path) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SchemaError(path, `expected an object, got ${kindOf(v)}`);
    const input = v as Record<string, unknown>;
    for (const k of Object.keys(input)) {
      if (!Object.prototype.hasOwnProperty.call(shape, k)) throw new SchemaError(path ? `${path}.${k}` : k, 'is not a known field');
    }
    const out: Record<string, unknown> = {};
    for (const [k, field] of Object.entries(shape)) {
      const value = field.parse(input[k], path ? `${path}.${k}` : k);
      if (value !== undefined) out[k] = value;
      else if (!field.optional) throw new SchemaError(path ? `${path}.${k}` : k, 'is required');
    }
    return out as ObjectOf<P>;
  });
}

/** One of several object shapes, told apart by a `kind` field. */
export function variant<V extends Record<string, Schema<object>>>(byKind: V): Schema<{ [K in keyof V]: Infer<V[K]> & { kind: K } }[keyof V], false> {
  return schema((v, path) => {
    const kind = v && typeof v === 'object' ? (v as { kind?: unknown }).kind : undefined;
    if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(byKind, kind)) {
      throw new SchemaError(path ? `${path}.kind` : 'kind', `must be one of ${Object.keys(byKind).join(', ')}`);
    }
    const { kind: _k, ...rest } = v as Record<string, unknown>;
    return { kind, ...(byKind[kind].parse(rest, path) as object) } as never;
  });
}
