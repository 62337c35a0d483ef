/** Classes: their static side, `new` (constructors, fields, methods, `super`), `new Map`/`new Set`. */
import { ts } from "ts-morph";
import { unwrap } from "../syntax";
import { MAX_CALL_DEPTH } from "./budget";
import type { Evaluator } from "./evaluator";
import { shortText } from "./expressions";
import { bindParameters, evalArguments } from "./functions";
import { Scope } from "./scope";
import { execBlock } from "./statements";
import {
  CollectionValue,
  FunctionValue,
  Getter,
  Unknown,
  classes,
  describe,
  isPlainObject,
  iterate,
  newObject,
  type PlainObject,
  type Value,
} from "./values";

const {
  ModifierFlags,
  SyntaxKind,
  getCombinedModifierFlags,
  isClassLike,
  isClassStaticBlockDeclaration,
  isConstructorDeclaration,
  isGetAccessorDeclaration,
  isIdentifier,
  isMethodDeclaration,
  isParameterPropertyDeclaration,
  isPropertyDeclaration,
  isSourceFile,
} = ts;

export function classValue(ev: Evaluator, node: ts.ClassLikeDeclaration, scope: Scope): Value {
  const value = newObject();
  classes.set(value, { node, scope });
  // Static members are inherited: the base class's first, this class's over them.
  const base = node.members[0] ? superOf(ev, node.members[0], scope) : undefined;
  if (isPlainObject(base)) Object.assign(value, base);
  const classScope = new Scope(scope);
  classScope.set(node, value);
  scope = classScope;
  for (const member of node.members) {
    const isStatic = (getCombinedModifierFlags(member) & ModifierFlags.Static) !== 0;
    if (isClassStaticBlockDeclaration(member)) {
      execBlock(ev, member.body.statements, new Scope(scope));
      continue;
    }
    if (!isStatic) {
      // Run when an object is made with `new` and its methods are called on it; until then,
      // code that may run (an object made where the evaluator cannot follow).
      ev.skip(member, "a method of a class instance runs only at run time");
      continue;
    }
    const name = member.name ? ev.propertyName(member.name, scope) : undefined;
    if (name === undefined) continue;
    if (isMethodDeclaration(member) && member.body) value[name] = new FunctionValue(member, scope);
    else if (isPropertyDeclaration(member) && member.initializer) {
      value[name] = ev.eval(member.initializer, scope);
    } else ev.skip(member, "a class accessor runs only at run time");
  }
  return value;
}

export function initialise(
  ev: Evaluator,
  info: { node: ts.ClassLikeDeclaration; scope: Scope },
  args: Value[],
  instance: PlainObject,
): void {
  if (ev.budget.depth >= MAX_CALL_DEPTH) return;
  ev.budget.depth++;
  try {
    const methods = ev.prototypes.get(instance)!;
    const constructor = info.node.members.find(
      (member): member is ts.ConstructorDeclaration =>
        isConstructorDeclaration(member) && member.body !== undefined,
    );
    if (!constructor) {
      initialiseBase(ev, info, args, instance);
      initialiseFields(ev, info, instance, methods);
      return;
    }
    ev.constructing.push({ ...info, instance });
    try {
      const scope = new Scope(info.scope);
      scope.set(constructor, instance);
      bindParameters(ev, constructor, args, scope);
      // Without a base class, fields are set before the body; with one, by `super(...)`.
      if (!baseClass(ev, info)) initialiseFields(ev, info, instance, methods, constructor, scope);
      execBlock(ev, constructor.body!.statements, scope);
    } finally {
      ev.constructing.pop();
    }
  } finally {
    ev.budget.depth--;
  }
}

/** The class a class extends, when it is a project class the evaluator evaluated. */
export function baseClass(ev: Evaluator, info: { node: ts.ClassLikeDeclaration; scope: Scope }) {
  const heritage = info.node.heritageClauses?.find((clause) => clause.token === SyntaxKind.ExtendsKeyword);
  const expression = heritage?.types[0]?.expression;
  if (!expression) return undefined;
  const base = ev.eval(expression, info.scope);
  return isPlainObject(base) ? classes.get(base) : undefined;
}

export function initialiseBase(
  ev: Evaluator,
  info: { node: ts.ClassLikeDeclaration; scope: Scope },
  args: Value[],
  instance: PlainObject,
): void {
  const base = baseClass(ev, info);
  if (base) initialise(ev, base, args, instance);
}

/** Parameter properties (`constructor(readonly name: string)`), methods and fields. */
export function initialiseFields(
  ev: Evaluator,
  info: { node: ts.ClassLikeDeclaration; scope: Scope },
  instance: PlainObject,
  methods: Map<string, FunctionValue | Getter>,
  constructor?: ts.ConstructorDeclaration,
  constructorScope?: Scope,
): void {
  if (constructor && constructorScope) {
    for (const parameter of constructor.parameters) {
      if (isParameterPropertyDeclaration(parameter, constructor) && isIdentifier(parameter.name)) {
        const value = constructorScope.lookup(parameter);
        instance[parameter.name.text] = value === Scope.NOT_FOUND ? undefined : value;
      }
    }
  }
  const scope = new Scope(info.scope);
  scope.set(info.node, instance);
  for (const member of info.node.members) {
    if (getCombinedModifierFlags(member) & ModifierFlags.Static) continue;
    const name = member.name ? ev.propertyName(member.name, scope) : undefined;
    if (name === undefined) continue;
    if (isMethodDeclaration(member) && member.body) methods.set(name, new FunctionValue(member, info.scope));
    else if (isGetAccessorDeclaration(member) && member.body)
      methods.set(name, new Getter(new FunctionValue(member, info.scope)));
    else if (isPropertyDeclaration(member)) {
      instance[name] = member.initializer ? ev.eval(member.initializer, scope) : undefined;
    }
  }
}

/** `super(...)` in a constructor: the base class's part of `new`, then this class's fields. */
export function superCall(ev: Evaluator, node: ts.CallExpression, scope: Scope): Value {
  const current = ev.constructing.at(-1);
  if (!current) return new Unknown(`\`super(...)\` outside a constructor ${ev.host.name} runs`);
  const args = evalArguments(ev, node, scope);
  initialiseBase(ev, current, args instanceof Unknown ? [] : args, current.instance);
  const constructor = current.node.members.find(isConstructorDeclaration);
  initialiseFields(ev, current, current.instance, ev.prototypes.get(current.instance)!, constructor, scope);
  return undefined;
}

/** The class a `super` refers to: what the enclosing class extends. */
export function superOf(ev: Evaluator, node: ts.Node, scope: Scope): Value {
  for (let current = node.parent; !isSourceFile(current); current = current.parent) {
    if (isClassLike(current)) {
      const heritage = current.heritageClauses?.find((clause) => clause.token === SyntaxKind.ExtendsKeyword);
      const base = heritage?.types[0]?.expression;
      return base ? ev.eval(base, scope) : new Unknown("`super` without a base class");
    }
  }
  return new Unknown("`super` outside a class");
}

/**
 * `new` of a project class (its constructor, fields and methods run as at run time), and
 * `new Map(entries)` and `new Set(items)` of known items; anything else is known at run time.
 */
export function construct(ev: Evaluator, node: ts.NewExpression, scope: Scope): Value {
  const callee = unwrap(node.expression);
  const kind = isIdentifier(callee) ? callee.text : undefined;
  const global =
    (kind === "Map" || kind === "Set") &&
    !ev.host.isProjectFile(ev.declarationOf(callee)?.getSourceFile().fileName ?? "");
  if (!global) {
    const target = ev.eval(callee, scope);
    const info = isPlainObject(target) ? classes.get(target) : undefined;
    if (info) {
      const args = node.arguments ? evalArguments(ev, node, scope) : [];
      const instance = newObject();
      ev.prototypes.set(instance, new Map());
      const inline =
        info.node.getSourceFile() === node.getSourceFile() &&
        info.node.pos >= node.pos &&
        info.node.end <= node.end;
      if (!inline) ev.sites.push(node);
      try {
        initialise(ev, info, args instanceof Unknown ? [] : args, instance);
      } finally {
        if (!inline) ev.sites.pop();
      }
      return instance;
    }
    for (const argument of node.arguments ?? []) ev.eval(argument, scope);
    return new Unknown(`\`${shortText(node)}\` is made at run time`);
  }
  const source = node.arguments?.[0] ? ev.eval(node.arguments[0], scope) : [];
  if (source instanceof Unknown) return source;
  const items = source === undefined || source === null ? [] : iterate(source);
  if (!items) return new Unknown(`\`new ${kind}\` of ${describe(source)}`);
  ev.budget.charge(items.length);
  const collection = new CollectionValue(kind, new Map());
  for (const item of items) {
    if (kind === "Set") collection.items.set(item, item);
    else if (Array.isArray(item)) collection.items.set(item[0], item[1]);
    else return new Unknown(`\`new Map\` of entries ${ev.host.name} cannot read`);
  }
  return collection;
}
