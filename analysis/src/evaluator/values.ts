/**
 * Values of the partial evaluator. Plain data is represented by plain JavaScript values
 * (strings, numbers, arrays, null-prototype objects); everything else by the classes below.
 */
import type { ts } from "ts-morph";
import type { Scope } from "./scope";

/** A value the evaluator cannot know before run time, with a reason people can read. */
export class Unknown {
  constructor(
    readonly reason: string,
    /** True when the name does not resolve to any declaration at all. */
    readonly undefinedName = false,
  ) {}
}

/**
 * A value the host makes (see `EvaluatorHost.call`): opaque to the evaluator, which passes it
 * around and asks it only these questions.
 */
export abstract class HostValue {
  /** How messages name it ("a function", "the value ..."). */
  abstract describe(): string;
  /** What importers can observe of it, for a module's signature (see modules.ts). */
  abstract signature(): string;
  /** Its JSON form in data (see `toJson`); undefined when it is not data. */
  toJson(): unknown {
    return undefined;
  }
  /** `value.name`. */
  member(name: string): Value {
    return new Unknown(`\`${name}\` of ${this.describe()} is not evaluated`);
  }
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

/** A getter of objects made with `new`: run on each read, with the object as `this`. */
export class Getter {
  constructor(readonly fn: FunctionValue) {}
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
  | HostValue
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
    !(value instanceof HostValue) &&
    !(value instanceof FunctionValue) &&
    !(value instanceof NamespaceValue) &&
    !(value instanceof BuiltinValue) &&
    !(value instanceof CollectionValue)
  );
}

export function newObject(): PlainObject {
  return Object.create(null) as PlainObject;
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
  if (value instanceof HostValue) return value.toJson();
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

const NOT_KNOWN = Symbol("not known");

function knownData(value: Value, depth: number): unknown {
  if (depth > 20 || value instanceof Unknown) return NOT_KNOWN;
  if (value === null || value === undefined || typeof value === "string" || typeof value === "boolean")
    return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : NOT_KNOWN;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const data = knownData(item, depth + 1);
      if (data === NOT_KNOWN || data === undefined) return NOT_KNOWN;
      items.push(data);
    }
    return items;
  }
  if (value instanceof HostValue) return value.toJson() ?? NOT_KNOWN;
  if (!isPlainObject(value)) return NOT_KNOWN;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const data = knownData(item, depth + 1);
    if (data === NOT_KNOWN) return NOT_KNOWN;
    // A property that is undefined is as good as absent (the library reads it so).
    if (data !== undefined) result[key] = data;
  }
  return result;
}

/**
 * Like `toJson`, but all or nothing: undefined when any part of the value is not known
 * statically (an unknown, a function), so that a constructor is never called on a guess (an
 * option left out because its value is unknown would otherwise read as its default).
 */
export function knownJson(value: Value): unknown {
  const data = knownData(value, 0);
  return data === NOT_KNOWN ? undefined : data;
}

export function describe(value: Value): string {
  if (value instanceof Unknown) return "a value known only at run time";
  if (value instanceof HostValue) return value.describe();
  if (value instanceof FunctionValue || value instanceof BuiltinValue) return "a function";
  if (value instanceof NamespaceValue) return "a module";
  if (value instanceof CollectionValue) return `a ${value.kind}`;
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "object") return "an object";
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

export function truthy(value: Value): boolean {
  return Boolean(value);
}

export function unknownFrom(value: Value): Unknown {
  return value instanceof Unknown ? value : new Unknown(`${describe(value)} cannot be destructured`);
}

/** The items a `for...of` or a spread visits; undefined for what is not iterable. */
export function iterate(value: Value): Value[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  if (value instanceof CollectionValue) {
    return value.kind === "Set"
      ? [...value.items.keys()]
      : [...value.items].map(([key, item]) => [key, item]);
  }
  return undefined;
}

export function fromJson(data: unknown): Value {
  if (data === null || typeof data === "string" || typeof data === "number" || typeof data === "boolean")
    return data;
  if (Array.isArray(data)) return data.map(fromJson);
  if (typeof data === "object") {
    const result = newObject();
    for (const [key, item] of Object.entries(data as Record<string, unknown>)) result[key] = fromJson(item);
    return result;
  }
  return undefined;
}

/**
 * The keys a `for...in` visits: an object's own keys in the engine's order (integer-like keys
 * ascending, then the others as written), a list's indexes; undefined for anything else.
 */
export function keysOf(value: Value): string[] | undefined {
  if (isPlainObject(value)) return Object.keys(value);
  if (Array.isArray(value)) return value.map((_, index) => String(index));
  if (typeof value === "string") return [...value].map((_, index) => String(index));
  if (value === null || value === undefined) return [];
  return undefined;
}

export function primitiveNumber(value: Value): Value {
  if (
    value === null ||
    value === undefined ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean"
  )
    return Number(value);
  return new Unknown(`${describe(value)} converted to a number`);
}

export function primitiveText(value: Value): Value {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return String(value);
  return new Unknown(`${describe(value)} converted to text`);
}
