/** Calls: of project functions (parameters, `this`, call sites), of methods on known values. */
import { ts } from "ts-morph";
import { unwrap } from "../syntax";
import { MAX_CALL_DEPTH } from "./budget";
import { arrayFrom, arrayMethod, builtinMember, collectionMethod, stringMethod } from "./builtins";
import { superCall, superOf } from "./classes";
import { NOT_RECOGNISED, type Evaluator } from "./evaluator";
import { member, propertyAccess, shortText, thisAt } from "./expressions";
import { Scope } from "./scope";
import { bind, execBlock } from "./statements";
import {
  BuiltinValue,
  CollectionValue,
  FunctionValue,
  NamespaceValue,
  Unknown,
  iterate,
  type Value,
} from "./values";

const {
  SyntaxKind,
  isArrowFunction,
  isBlock,
  isClassLike,
  isFunctionExpression,
  isFunctionLike,
  isIdentifier,
  isPropertyAccessExpression,
  isSpreadElement,
  isVariableDeclaration,
} = ts;

export function call(ev: Evaluator, node: ts.CallExpression, scope: Scope): Value {
  const recognised = ev.host.call(node, scope);
  if (recognised !== NOT_RECOGNISED) return recognised;

  const callee = unwrap(node.expression);
  if (callee.kind === SyntaxKind.SuperKeyword) return superCall(ev, node, scope);
  if (isPropertyAccessExpression(callee) && callee.expression.kind === SyntaxKind.SuperKeyword) {
    // `super.make(...)` in a static method: the parent's method, with this class as `this`.
    const parent = superOf(ev, callee, scope);
    return invoke(ev, member(ev, parent, callee.name.text), node, scope, thisAt(ev, callee, scope));
  }
  if (isPropertyAccessExpression(callee)) {
    const receiver = ev.eval(callee.expression, scope);
    if (receiver instanceof NamespaceValue) {
      return invoke(ev, propertyAccess(ev, callee, scope), node, scope);
    }
    const method = callee.name.text;
    if (receiver instanceof Unknown || receiver === undefined || receiver === null) {
      markSkippedCallbacks(
        ev,
        node,
        receiver instanceof Unknown ? receiver.reason : `the receiver is ${String(receiver)}`,
      );
      evalArgumentsForEffects(ev, node, scope);
      if (receiver instanceof Unknown) return receiver;
      if (callee.questionDotToken) return undefined;
      return new Unknown(`\`${shortText(callee)}\` is called on ${String(receiver)}`);
    }
    if (Array.isArray(receiver)) return arrayMethod(ev, receiver, method, node, scope);
    if (receiver instanceof CollectionValue) {
      if (method === "forEach") {
        const entries = [...receiver.items].map(([key, item]): Value => [item, key]);
        const fn = callback(ev, node, scope);
        if (fn instanceof Unknown) return fn;
        for (const [item, key] of entries as [Value, Value][]) applyAny(ev, fn, [item, key, receiver], node);
        return undefined;
      }
      return collectionMethod(ev, receiver, method, node, scope);
    }
    if (typeof receiver === "string") return stringMethod(ev, receiver, method, node, scope);
    if (receiver instanceof BuiltinValue) {
      if (receiver.name === "Array" && method === "from") return arrayFrom(ev, node, scope);
      const member = builtinMember(ev.host.name, receiver.name, method);
      return invoke(ev, member, node, scope);
    }
    return invoke(ev, member(ev, receiver, method), node, scope, receiver);
  }
  const target = ev.eval(callee, scope);
  return invoke(ev, target, node, scope);
}

export function invoke(
  ev: Evaluator,
  target: Value,
  node: ts.CallExpression,
  scope: Scope,
  thisValue?: Value,
): Value {
  if (target instanceof FunctionValue) {
    const args = evalArguments(ev, node, scope);
    if (args instanceof Unknown) {
      ev.skip(
        target.node,
        `the arguments of \`${shortText(node.expression)}(...)\` are known only at run time`,
      );
      return args;
    }
    return applyAt(ev, target, args, node, thisValue);
  }
  if (target instanceof BuiltinValue) {
    const args = evalArguments(ev, node, scope);
    if (args instanceof Unknown) return args;
    return target.call(args);
  }
  const reason =
    target instanceof Unknown
      ? target.reason
      : `\`${shortText(node.expression)}\` is not a function ${ev.host.name} can evaluate`;
  markSkippedCallbacks(
    ev,
    node,
    `the result of \`${shortText(node.expression)}(...)\` is known only at run time`,
  );
  evalArgumentsForEffects(ev, node, scope);
  return new Unknown(
    target instanceof Unknown && target.reason.includes("is known only at run time")
      ? `the result of \`${shortText(node.expression)}(...)\` is known only at run time`
      : reason,
  );
}

export function evalArguments(
  ev: Evaluator,
  node: ts.CallExpression | ts.NewExpression,
  scope: Scope,
): Value[] | Unknown {
  const args: Value[] = [];
  for (const argument of node.arguments ?? []) {
    if (isSpreadElement(argument)) {
      const spread = ev.eval(argument.expression, scope);
      const items = iterate(spread);
      if (!items)
        return spread instanceof Unknown ? spread : new Unknown("a spread argument that is not a list");
      args.push(...items);
    } else {
      args.push(ev.eval(argument, scope));
    }
  }
  return args;
}

/** Arguments of a call that cannot be evaluated may still contain calls the host recognises. */
export function evalArgumentsForEffects(ev: Evaluator, node: ts.CallExpression, scope: Scope): void {
  for (const argument of node.arguments) {
    if (!isArrowFunction(argument) && !isFunctionExpression(argument)) ev.eval(argument, scope);
  }
}

/** Functions passed to a call the evaluator cannot follow may be run by it at run time. */
export function markSkippedCallbacks(ev: Evaluator, node: ts.CallExpression, reason: string): void {
  for (const argument of node.arguments) {
    const inner = unwrap(isSpreadElement(argument) ? argument.expression : argument);
    if (isArrowFunction(inner) || isFunctionExpression(inner)) ev.skip(inner, reason);
    else if (isIdentifier(inner) || isPropertyAccessExpression(inner)) {
      const declaration = ev.declarationOf(isIdentifier(inner) ? inner : inner.name);
      const fn = declaration && isVariableDeclaration(declaration) ? declaration.initializer : declaration;
      if (fn && (isFunctionLike(fn) || isClassLike(fn))) ev.skip(fn, reason);
    }
  }
}

export function apply(ev: Evaluator, fn: FunctionValue, args: Value[], thisValue?: Value): Value {
  if (ev.budget.depth >= MAX_CALL_DEPTH) {
    ev.skip(fn.node, "the call nesting is too deep to evaluate");
    return new Unknown("the call nesting is too deep to evaluate");
  }
  ev.budget.depth++;
  try {
    const scope = new Scope(fn.scope);
    // `this` of a method called on a known object (`Finance.make()`, `registry.make()`).
    if (!isArrowFunction(fn.node)) scope.set(fn.node, thisValue);
    bindParameters(ev, fn.node, args, scope);
    const body = fn.node.body;
    if (!body) return new Unknown("a function without a body");
    if (isBlock(body)) {
      if (fn.node.modifiers?.some((modifier) => modifier.kind === SyntaxKind.AsyncKeyword)) {
        ev.skip(body, "an async function's result is known only at run time");
        return new Unknown("an async function's result is known only at run time");
      }
      const completion = execBlock(ev, body.statements, scope);
      return completion?.type === "return" ? completion.value : undefined;
    }
    return ev.eval(body, scope);
  } finally {
    ev.budget.depth--;
  }
}

/** Binds a call's arguments to the parameters (rest parameters, defaults) in `scope`. */
export function bindParameters(
  ev: Evaluator,
  fn: ts.SignatureDeclaration,
  args: Value[],
  scope: Scope,
): void {
  fn.parameters.forEach((parameter, index) => {
    let value: Value = parameter.dotDotDotToken ? args.slice(index) : args[index];
    if (value === undefined && parameter.initializer) value = ev.eval(parameter.initializer, scope);
    bind(ev, parameter.name, value, scope);
  });
}

export function callback(
  ev: Evaluator,
  node: ts.CallExpression,
  scope: Scope,
): FunctionValue | BuiltinValue | Unknown {
  const argument = node.arguments[0];
  if (!argument) return new Unknown("a missing callback");
  const value = ev.eval(argument, scope);
  if (value instanceof FunctionValue || value instanceof BuiltinValue) return value;
  return value instanceof Unknown ? value : new Unknown("the callback is not a function");
}

export function applyAny(
  ev: Evaluator,
  fn: FunctionValue | BuiltinValue,
  args: Value[],
  site: ts.CallExpression,
): Value {
  return fn instanceof FunctionValue ? applyAt(ev, fn, args, site) : fn.call(args);
}

/**
 * Applies a project function for the call `site`. When the function is written elsewhere
 * (a factory called several times, `.map(makeThing)`), the call is pushed on `callSites`, so
 * that what the host records inside can point at the call that made it; an inline callback or
 * IIFE is not a site of its own.
 */
export function applyAt(
  ev: Evaluator,
  fn: FunctionValue,
  args: Value[],
  site: ts.CallExpression,
  thisValue?: Value,
): Value {
  const inline =
    fn.node.getSourceFile() === site.getSourceFile() && fn.node.pos >= site.pos && fn.node.end <= site.end;
  if (inline) return apply(ev, fn, args, thisValue);
  ev.sites.push(site);
  try {
    return apply(ev, fn, args, thisValue);
  } finally {
    ev.sites.pop();
  }
}
