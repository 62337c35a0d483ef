/**
 * Values of the partial evaluator. Plain data is represented by plain JavaScript values
 * (strings, numbers, arrays, null-prototype objects); everything else by the classes below.
 */
import type { ts } from "ts-morph";
import type { AssetRecord, CheckRecord } from "./model";

/** A value the evaluator cannot know before run time, with a reason people can read. */
export class Unknown {
  constructor(
    readonly reason: string,
    /** True when the name does not resolve to any declaration at all. */
    readonly undefinedName = false,
  ) {}
}

export class AssetValue {
  constructor(readonly record: AssetRecord) {}
}

export class CheckValue {
  constructor(readonly record: CheckRecord) {}
}

/** A function declared in the project, closed over the scope it was created in. */
export class FunctionValue {
  constructor(
    readonly node: ts.FunctionLikeDeclaration,
    readonly scope: Scope,
  ) {}
}

/** `import * as ns from "./module"`: members are resolved through the type checker. */
export class NamespaceValue {
  constructor(readonly file: ts.SourceFile) {}
}

/** A built-in function the evaluator implements (`Object.keys`, `String`, ...). */
export class BuiltinValue {
  constructor(
    readonly name: string,
    readonly call: (args: Value[]) => Value,
  ) {}
}

/** A `Map` or `Set` built from known items (`new Map(entries)`, `new Set(list)`). */
export class CollectionValue {
  constructor(
    readonly kind: "Map" | "Set",
    /** For a Set, each item maps to itself. */
    readonly items: Map<Value, Value>,
  ) {}
}

export type PlainObject = { [key: string]: Value };

/**
 * Classes by the object of their statics (the value a class declaration evaluates to, what
 * `new` is applied to): the declaration and the scope it was evaluated in.
 */
export const classes = new WeakMap<PlainObject, { node: ts.ClassLikeDeclaration; scope: Scope }>();

export type Value =
  | string
  | number
  | boolean
  | null
  | undefined
  | Value[]
  | PlainObject
  | Unknown
  | AssetValue
  | CheckValue
  | FunctionValue
  | NamespaceValue
  | BuiltinValue
  | CollectionValue;

export function isPlainObject(value: Value): value is PlainObject {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Unknown) &&
    !(value instanceof AssetValue) &&
    !(value instanceof CheckValue) &&
    !(value instanceof FunctionValue) &&
    !(value instanceof NamespaceValue) &&
    !(value instanceof BuiltinValue) &&
    !(value instanceof CollectionValue)
  );
}

export function newObject(): PlainObject {
  return Object.create(null) as PlainObject;
}

const NOT_FOUND = Symbol("not found");

/** Variables by their declaration node (the checker maps every identifier to one). */
export class Scope {
  private readonly vars = new Map<ts.Node, Value>();
  constructor(readonly parent?: Scope) {}

  set(declaration: ts.Node, value: Value): void {
    this.vars.set(declaration, value);
  }

  /** Assigns to the nearest scope that declares the variable; false when none does. */
  assign(declaration: ts.Node, value: Value): boolean {
    if (this.vars.has(declaration)) {
      this.vars.set(declaration, value);
      return true;
    }
    return this.parent ? this.parent.assign(declaration, value) : false;
  }

  lookup(declaration: ts.Node): Value | typeof NOT_FOUND {
    if (this.vars.has(declaration)) return this.vars.get(declaration);
    return this.parent ? this.parent.lookup(declaration) : NOT_FOUND;
  }

  /** The variables of this scope only (not its parents'). */
  entries(): IterableIterator<[ts.Node, Value]> {
    return this.vars.entries();
  }

  static readonly NOT_FOUND: typeof NOT_FOUND = NOT_FOUND;
}

/** Converts an evaluated value to JSON data, dropping what is not data (functions, unknowns). */
export function toJson(value: Value, depth = 0): unknown {
  if (depth > 20) return undefined;
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => toJson(item, depth + 1));
    return items.every((item) => item !== undefined) ? items : undefined;
  }
  if (value instanceof AssetValue) return value.record.key;
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const json = toJson(item, depth + 1);
      if (json !== undefined) result[key] = json;
    }
    return result;
  }
  return undefined;
}

export function describe(value: Value): string {
  if (value instanceof Unknown) return "a value known only at run time";
  if (value instanceof AssetValue) return `the asset "${value.record.key ?? "?"}"`;
  if (value instanceof CheckValue) return "a check";
  if (value instanceof FunctionValue || value instanceof BuiltinValue) return "a function";
  if (value instanceof NamespaceValue) return "a module";
  if (value instanceof CollectionValue) return `a ${value.kind}`;
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "object") return "an object";
  return `the ${typeof value} ${JSON.stringify(value)}`;
}
