/** Built-ins: methods of lists, strings, `Map`/`Set`, and the standard namespaces (`Object`, `JSON`, ...). */
import { ts } from "ts-morph";
import type { Evaluator } from "./evaluator";
import { applyAny, callback, evalArguments } from "./functions";
import { Scope } from "./scope";
import {
  BuiltinValue,
  CollectionValue,
  FunctionValue,
  Unknown,
  describe,
  isPlainObject,
  iterate,
  newObject,
  primitiveNumber,
  primitiveText,
  truthy,
  unknownFrom,
  toJson,
  type PlainObject,
  type Value,
} from "./values";

export function collectionMethod(
  ev: Evaluator,
  collection: CollectionValue,
  method: string,
  node: ts.CallExpression,
  scope: Scope,
): Value {
  const args = evalArguments(ev, node, scope);
  if (args instanceof Unknown) return args;
  ev.budget.charge(collection.items.size);
  switch (method) {
    case "get":
      return collection.kind === "Map" ? collection.items.get(args[0]) : undefined;
    case "has":
      return collection.items.has(args[0]);
    case "keys":
      return [...collection.items.keys()];
    case "values":
      return [...collection.items.values()];
    case "entries":
      return [...collection.items].map(([key, item]) => [key, item]);
  }
  return new Unknown(`the ${collection.kind} method \`${method}\` is not evaluated`);
}

/** `Array.from(items)` and `Array.from(items, (item, index) => ...)`. */
export function arrayFrom(ev: Evaluator, node: ts.CallExpression, scope: Scope): Value {
  const source = node.arguments[0] ? ev.eval(node.arguments[0], scope) : undefined;
  if (source instanceof Unknown) return source;
  const length = isPlainObject(source) ? source.length : undefined;
  if (typeof length === "number" && (!Number.isInteger(length) || length < 0)) {
    return new Unknown(`\`Array.from\` of a length of ${length}`);
  }
  if (typeof length === "number") ev.budget.charge(length);
  const items = typeof length === "number" ? Array.from<Value>({ length }) : iterate(source);
  if (!items) return new Unknown(`\`Array.from\` of ${describe(source)}`);
  ev.budget.charge(items.length);
  if (node.arguments.length < 2) return [...items];
  const mapper = ev.eval(node.arguments[1]!, scope);
  if (mapper instanceof Unknown) return mapper;
  if (!(mapper instanceof FunctionValue || mapper instanceof BuiltinValue)) {
    return new Unknown("the callback is not a function");
  }
  return items.map((item, index) => applyAny(ev, mapper, [item, index], node));
}

export function arrayMethod(
  ev: Evaluator,
  array: Value[],
  method: string,
  node: ts.CallExpression,
  scope: Scope,
): Value {
  switch (method) {
    case "reduce": {
      const fn = callback(ev, node, scope);
      if (fn instanceof Unknown) return fn;
      let index = 0;
      let accumulator: Value;
      if (node.arguments.length >= 2) accumulator = ev.eval(node.arguments[1]!, scope);
      else if (array.length > 0) accumulator = array[index++];
      else return new Unknown("reducing an empty array without a start value");
      for (; index < array.length; index++) {
        accumulator = applyAny(ev, fn, [accumulator, array[index], index, array], node);
      }
      return accumulator;
    }
    case "map":
    case "flatMap":
    case "filter":
    case "forEach":
    case "find":
    case "some":
    case "every": {
      const fn = callback(ev, node, scope);
      if (fn instanceof Unknown) return fn;
      const results: Value[] = [];
      for (let index = 0; index < array.length; index++) {
        const item = array[index];
        const result = applyAny(ev, fn, [item, index, array], node);
        if (method === "map") results.push(result);
        else if (method === "flatMap") {
          if (Array.isArray(result)) results.push(...result);
          else results.push(result);
        } else if (method === "filter" || method === "find" || method === "some" || method === "every") {
          if (result instanceof Unknown) return result;
          if (method === "filter" && truthy(result)) results.push(item);
          if (method === "find" && truthy(result)) return item;
          if (method === "some" && truthy(result)) return true;
          if (method === "every" && !truthy(result)) return false;
        }
      }
      if (method === "forEach" || method === "find") return undefined;
      if (method === "some") return false;
      if (method === "every") return true;
      return results;
    }
    case "push": {
      const args = evalArguments(ev, node, scope);
      if (args instanceof Unknown) return args;
      array.push(...args);
      return array.length;
    }
  }
  const args = evalArguments(ev, node, scope);
  if (args instanceof Unknown) return args;
  ev.budget.charge(array.length);
  switch (method) {
    case "concat": {
      const result = [...array];
      for (const arg of args) {
        if (Array.isArray(arg)) result.push(...arg);
        else result.push(arg);
      }
      return result;
    }
    case "includes":
      return array.includes(args[0]);
    case "indexOf":
      return array.indexOf(args[0]);
    case "join": {
      if (!array.every((item) => ["string", "number", "boolean"].includes(typeof item))) {
        return new Unknown("joining values that are not text");
      }
      const separator = typeof args[0] === "string" ? args[0] : ",";
      return array.map((item) => String(item as string | number | boolean)).join(separator);
    }
    case "slice":
      return array.slice(
        typeof args[0] === "number" ? args[0] : undefined,
        typeof args[1] === "number" ? args[1] : undefined,
      );
    case "flat":
      return array.flatMap((item) => (Array.isArray(item) ? item : [item]));
    case "at":
      return typeof args[0] === "number" ? array.at(args[0]) : new Unknown("a computed index");
    case "entries":
      return array.map((item, index) => [index, item]);
    case "keys":
      return array.map((_, index) => index);
    case "values":
      return [...array];
    case "reverse":
      return array.reverse();
    case "toReversed":
      return [...array].reverse();
  }
  return new Unknown(`the array method \`${method}\` is not evaluated`);
}

export function stringMethod(
  ev: Evaluator,
  text: string,
  method: string,
  node: ts.CallExpression,
  scope: Scope,
): Value {
  const args = evalArguments(ev, node, scope);
  if (args instanceof Unknown) return args;
  const a = args[0];
  const b = args[1];
  switch (method) {
    case "toLowerCase":
      return text.toLowerCase();
    case "toUpperCase":
      return text.toUpperCase();
    case "trim":
      return text.trim();
    case "split":
      return typeof a === "string" ? text.split(a) : new Unknown("split by something that is not text");
    case "replace":
      return typeof a === "string" && typeof b === "string"
        ? text.replace(a, b)
        : new Unknown(`a replace ${ev.host.name} cannot evaluate`);
    case "replaceAll":
      return typeof a === "string" && typeof b === "string"
        ? text.split(a).join(b)
        : new Unknown(`a replace ${ev.host.name} cannot evaluate`);
    case "startsWith":
      return typeof a === "string" && text.startsWith(a);
    case "endsWith":
      return typeof a === "string" && text.endsWith(a);
    case "includes":
      return typeof a === "string" && text.includes(a);
    case "slice":
      return text.slice(typeof a === "number" ? a : undefined, typeof b === "number" ? b : undefined);
    case "padStart":
      if (typeof a !== "number") return text;
      ev.budget.charge(a >> 4);
      return text.padStart(a, typeof b === "string" ? b : " ");
    case "concat":
      return text + args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(toJson(arg)))).join("");
    case "toString":
      return text;
  }
  return new Unknown(`the string method \`${method}\` is not evaluated`);
}

// ---------------------------------------------------------------- the library's functions

export const RUNTIME_GLOBALS = new Map([
  ["process", "`process` (environment variables, arguments) is known only at run time"],
  ["Deno", "`Deno` is known only at run time"],
  ["Bun", "`Bun` is known only at run time"],
  ["globalThis", "`globalThis` is known only at run time"],
  ["require", "`require` loads modules at run time"],
  ["__dirname", "`__dirname` is known only at run time"],
  ["__filename", "`__filename` is known only at run time"],
  ["Date", "dates are known only at run time"],
  ["Math", "`Math` is not evaluated statically"],
  ["fetch", "`fetch` runs at run time"],
]);

/** Globals the evaluator knows (their members are evaluated by `builtinMember`). */
export const BUILTIN_NAMESPACES = new Set(["Object", "String", "Number", "Boolean", "JSON", "Array"]);

export function builtinNamespace(name: string): Value {
  return new BuiltinValue(name, (args) => {
    if (name === "String") return args.length === 0 ? "" : primitiveText(args[0]);
    if (name === "Number") return args.length === 0 ? 0 : primitiveNumber(args[0]);
    if (name === "Boolean") return args[0] instanceof Unknown ? args[0] : truthy(args[0]);
    return new Unknown(`calling \`${name}\` is not evaluated`);
  });
}

/**
 * The keys a `for...in` visits: an object's own keys in the engine's order (integer-like keys
 * ascending, then the others as written), a list's indexes; undefined for anything else.
 */
export function builtinMember(reader: string, namespace: string, name: string): Value {
  const qualified = `${namespace}.${name}`;
  const entries = (value: Value): [string, Value][] | undefined =>
    isPlainObject(value) ? Object.entries(value) : undefined;
  switch (qualified) {
    case "Object.keys":
      return new BuiltinValue(
        qualified,
        ([value]) => entries(value)?.map(([key]) => key) ?? unknownFrom(value),
      );
    case "Object.values":
      return new BuiltinValue(
        qualified,
        ([value]) => entries(value)?.map(([, item]) => item) ?? unknownFrom(value),
      );
    case "Object.entries":
      return new BuiltinValue(
        qualified,
        ([value]) => entries(value)?.map(([key, item]) => [key, item]) ?? unknownFrom(value),
      );
    case "Object.fromEntries":
      return new BuiltinValue(qualified, ([value]) => {
        if (!Array.isArray(value)) return unknownFrom(value);
        const result: PlainObject = newObject();
        for (const entry of value) {
          if (!Array.isArray(entry) || typeof entry[0] !== "string")
            return new Unknown(`entries ${reader} cannot read`);
          result[entry[0]] = entry[1];
        }
        return result;
      });
    case "Number.isInteger":
      return new BuiltinValue(qualified, ([value]) => Number.isInteger(value));
    case "Number.parseInt":
      return new BuiltinValue(qualified, ([text, radix]) =>
        typeof text === "string" && (radix === undefined || typeof radix === "number")
          ? Number.parseInt(text, radix)
          : new Unknown(`\`${qualified}\` of ${describe(text)}`),
      );
    case "String.raw":
      // Called as a tag (see rawTemplate); a direct call (`String.raw({ raw }, ...)`) is rare.
      return new BuiltinValue(qualified, () => new Unknown("`String.raw` called directly is not evaluated"));
    case "Array.isArray":
      return new BuiltinValue(qualified, ([value]) => Array.isArray(value));
    case "Array.of":
      return new BuiltinValue(qualified, (args) => [...args]);
    case "Object.assign":
      return new BuiltinValue(qualified, (args) => {
        const [target, ...sources] = args;
        if (!isPlainObject(target)) return unknownFrom(target);
        for (const source of sources) if (isPlainObject(source)) Object.assign(target, source);
        return target;
      });
  }
  return new Unknown(`\`${qualified}\` is not evaluated`);
}

/** What importers can observe of a module: its top-level values and its re-export statements. */
