/** Expressions: literals, templates, operators, member access, `this`. */
import { ts } from "ts-morph";
import { unwrap } from "../syntax";
import { builtinMember } from "./builtins";
import { construct } from "./classes";
import type { Evaluator } from "./evaluator";
import { apply, call } from "./functions";
import { identifier, namespaceMember, shorthand, valueOfSymbol } from "./names";
import { Scope } from "./scope";
import { assignTo } from "./statements";
import {
  BuiltinValue,
  CollectionValue,
  FunctionValue,
  Getter,
  HostValue,
  NamespaceValue,
  Unknown,
  describe,
  isPlainObject,
  iterate,
  newObject,
  primitiveText,
  truthy,
  type Value,
} from "./values";

const {
  SyntaxKind,
  isArrowFunction,
  isClassLike,
  isComputedPropertyName,
  isFunctionLike,
  isGetAccessorDeclaration,
  isIdentifier,
  isMethodDeclaration,
  isNoSubstitutionTemplateLiteral,
  isNumericLiteral,
  isOmittedExpression,
  isPropertyAssignment,
  isShorthandPropertyAssignment,
  isSourceFile,
  isSpreadAssignment,
  isSpreadElement,
  isStringLiteral,
} = ts;

/** `a += b` and its kin, by the operator they apply. */
const COMPOUND_ASSIGNMENT = new Map<ts.SyntaxKind, ts.SyntaxKind>([
  [SyntaxKind.PlusEqualsToken, SyntaxKind.PlusToken],
  [SyntaxKind.MinusEqualsToken, SyntaxKind.MinusToken],
  [SyntaxKind.AsteriskEqualsToken, SyntaxKind.AsteriskToken],
  [SyntaxKind.SlashEqualsToken, SyntaxKind.SlashToken],
  [SyntaxKind.PercentEqualsToken, SyntaxKind.PercentToken],
]);

/** A node's text on one line, shortened, for messages. */
export function shortText(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function evaluate(ev: Evaluator, node: ts.Expression, scope: Scope): Value {
  ev.budget.tick();
  switch (node.kind) {
    case SyntaxKind.StringLiteral:
    case SyntaxKind.NoSubstitutionTemplateLiteral:
      return (node as ts.StringLiteral).text;
    case SyntaxKind.NumericLiteral:
      return Number((node as ts.NumericLiteral).text);
    case SyntaxKind.TrueKeyword:
      return true;
    case SyntaxKind.FalseKeyword:
      return false;
    case SyntaxKind.NullKeyword:
      return null;
    case SyntaxKind.Identifier:
      return identifier(ev, node as ts.Identifier, scope);
    case SyntaxKind.TemplateExpression:
      return template(ev, node as ts.TemplateExpression, scope);
    case SyntaxKind.ParenthesizedExpression:
    case SyntaxKind.AsExpression:
    case SyntaxKind.SatisfiesExpression:
    case SyntaxKind.NonNullExpression:
    case SyntaxKind.TypeAssertionExpression:
      return evaluate(ev, unwrap(node), scope);
    case SyntaxKind.ArrayLiteralExpression:
      return arrayLiteral(ev, node as ts.ArrayLiteralExpression, scope);
    case SyntaxKind.ObjectLiteralExpression:
      return objectLiteral(ev, node as ts.ObjectLiteralExpression, scope);
    case SyntaxKind.PropertyAccessExpression:
      return propertyAccess(ev, node as ts.PropertyAccessExpression, scope);
    case SyntaxKind.ElementAccessExpression: {
      const access = node as ts.ElementAccessExpression;
      const target = evaluate(ev, access.expression, scope);
      const key = evaluate(ev, access.argumentExpression, scope);
      if (target instanceof Unknown) return target;
      if (key instanceof Unknown) return key;
      if ((target === undefined || target === null) && access.questionDotToken) return undefined;
      if (typeof key !== "string" && typeof key !== "number") return new Unknown("a computed member name");
      return member(ev, target, String(key));
    }
    case SyntaxKind.CallExpression:
      return call(ev, node as ts.CallExpression, scope);
    case SyntaxKind.ArrowFunction:
    case SyntaxKind.FunctionExpression:
      return new FunctionValue(node as ts.FunctionLikeDeclaration, scope);
    case SyntaxKind.ConditionalExpression: {
      const conditional = node as ts.ConditionalExpression;
      const condition = evaluate(ev, conditional.condition, scope);
      if (condition instanceof Unknown) {
        const reason = `the condition \`${shortText(conditional.condition)}\` is known only at run time`;
        ev.skip(conditional.whenTrue, reason);
        ev.skip(conditional.whenFalse, reason);
        return condition;
      }
      ev.kill(truthy(condition) ? conditional.whenFalse : conditional.whenTrue);
      return evaluate(ev, truthy(condition) ? conditional.whenTrue : conditional.whenFalse, scope);
    }
    case SyntaxKind.BinaryExpression:
      return binary(ev, node as ts.BinaryExpression, scope);
    case SyntaxKind.PrefixUnaryExpression: {
      const unary = node as ts.PrefixUnaryExpression;
      const operand = evaluate(ev, unary.operand, scope);
      if (operand instanceof Unknown) return operand;
      if (unary.operator === SyntaxKind.ExclamationToken) return !truthy(operand);
      if (unary.operator === SyntaxKind.MinusToken && typeof operand === "number") return -operand;
      if (unary.operator === SyntaxKind.PlusToken && typeof operand === "number") return operand;
      if (unary.operator === SyntaxKind.PlusPlusToken || unary.operator === SyntaxKind.MinusMinusToken) {
        const result =
          typeof operand === "number"
            ? operand + (unary.operator === SyntaxKind.PlusPlusToken ? 1 : -1)
            : new Unknown(`\`${shortText(node)}\` is not evaluated`);
        assignTo(ev, unary.operand, result, scope);
        return result;
      }
      return new Unknown(`\`${shortText(node)}\` is not evaluated`);
    }
    case SyntaxKind.PostfixUnaryExpression: {
      const unary = node as ts.PostfixUnaryExpression;
      const operand = evaluate(ev, unary.operand, scope);
      if (typeof operand !== "number") {
        const result =
          operand instanceof Unknown ? operand : new Unknown(`\`${shortText(node)}\` is not evaluated`);
        assignTo(ev, unary.operand, result, scope);
        return result;
      }
      assignTo(
        ev,
        unary.operand,
        unary.operator === SyntaxKind.PlusPlusToken ? operand + 1 : operand - 1,
        scope,
      );
      return operand;
    }
    case SyntaxKind.TaggedTemplateExpression:
      return taggedTemplate(ev, node as ts.TaggedTemplateExpression, scope);
    case SyntaxKind.ThisKeyword:
      return thisAt(ev, node, scope);
    case SyntaxKind.TypeOfExpression: {
      const operand = evaluate(ev, (node as ts.TypeOfExpression).expression, scope);
      if (operand instanceof Unknown) return operand;
      if (operand instanceof FunctionValue || operand instanceof BuiltinValue) return "function";
      return operand === null || typeof operand === "object" ? "object" : typeof operand;
    }
    case SyntaxKind.NewExpression:
      return construct(ev, node as ts.NewExpression, scope);
    case SyntaxKind.AwaitExpression: {
      evaluate(ev, (node as ts.AwaitExpression).expression, scope);
      return new Unknown(`\`${shortText(node)}\` is awaited at run time`);
    }
    case SyntaxKind.SpreadElement:
      return evaluate(ev, (node as ts.SpreadElement).expression, scope);
    default:
      return new Unknown(`\`${shortText(node)}\` is not evaluated statically`);
  }
}

export function template(ev: Evaluator, node: ts.TemplateExpression, scope: Scope): Value {
  let text = node.head.text;
  for (const span of node.templateSpans) {
    const value = evaluate(ev, span.expression, scope);
    if (value instanceof Unknown) return value;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      text += String(value);
    } else if (value === null || value === undefined) {
      text += String(value);
    } else {
      return new Unknown(`\`${shortText(span.expression)}\` is ${describe(value)}, not text`);
    }
    text += span.literal.text;
  }
  ev.budget.charge(text.length >> 4);
  return text;
}

export function arrayLiteral(ev: Evaluator, node: ts.ArrayLiteralExpression, scope: Scope): Value {
  const result: Value[] = [];
  let unknown: Unknown | undefined;
  for (const element of node.elements) {
    if (isSpreadElement(element)) {
      const spread = evaluate(ev, element.expression, scope);
      const items = iterate(spread);
      if (items) ev.budget.charge(items.length);
      if (items) for (const item of items) result.push(item);
      else unknown ??= spread instanceof Unknown ? spread : new Unknown("a spread of something not a list");
    } else if (isOmittedExpression(element)) {
      result.push(undefined);
    } else {
      result.push(evaluate(ev, element, scope));
    }
  }
  return unknown ?? result;
}

export function objectLiteral(ev: Evaluator, node: ts.ObjectLiteralExpression, scope: Scope): Value {
  const result = newObject();
  for (const property of node.properties) {
    if (isPropertyAssignment(property)) {
      const key = propertyName(ev, property.name, scope);
      const value = evaluate(ev, property.initializer, scope);
      if (key !== undefined) result[key] = value;
    } else if (isShorthandPropertyAssignment(property)) {
      result[property.name.text] = shorthand(ev, property, scope);
    } else if (isSpreadAssignment(property)) {
      const spread = evaluate(ev, property.expression, scope);
      if (isPlainObject(spread)) Object.assign(result, spread);
    } else if (isMethodDeclaration(property)) {
      const key = propertyName(ev, property.name, scope);
      if (key !== undefined) result[key] = new FunctionValue(property, scope);
    }
  }
  // Getters read once the object is built (statically they return the same each time).
  for (const property of node.properties) {
    if (!isGetAccessorDeclaration(property)) continue;
    const key = propertyName(ev, property.name, scope);
    if (key !== undefined) result[key] = apply(ev, new FunctionValue(property, scope), [], result);
  }
  return result;
}

export function propertyAccess(ev: Evaluator, node: ts.PropertyAccessExpression, scope: Scope): Value {
  const target = evaluate(ev, node.expression, scope);
  if (target instanceof NamespaceValue) {
    const symbol = ev.checker.getSymbolAtLocation(node.name);
    if (!symbol) return new Unknown(`\`${shortText(node)}\` is not exported`, true);
    return valueOfSymbol(ev, symbol, node.name, scope);
  }
  if (target instanceof Unknown) return target;
  if ((target === undefined || target === null) && node.questionDotToken) return undefined;
  return member(ev, target, node.name.text);
}

export function member(ev: Evaluator, target: Value, name: string): Value {
  if (target instanceof Unknown) return target;
  if (Array.isArray(target)) {
    if (name === "length") return target.length;
    if (/^\d+$/.test(name)) return target[Number(name)];
    return undefined;
  }
  if (typeof target === "string") {
    if (name === "length") return target.length;
    if (/^\d+$/.test(name)) return target[Number(name)];
    return undefined;
  }
  if (target instanceof HostValue) return target.member(name);
  if (target instanceof BuiltinValue) return builtinMember(ev.host.name, target.name, name);
  if (target instanceof NamespaceValue) return namespaceMember(ev, target, name);
  if (target instanceof CollectionValue && name === "size") return target.items.size;
  if (isPlainObject(target)) {
    if (Object.prototype.hasOwnProperty.call(target, name)) return target[name];
    const inherited = ev.prototypes.get(target)?.get(name);
    return inherited instanceof Getter ? apply(ev, inherited.fn, [], target) : inherited;
  }
  if (target === undefined || target === null) return new Unknown(`reading \`${name}\` of ${String(target)}`);
  return new Unknown(`\`${name}\` of ${describe(target)} is not evaluated`);
}

export function binary(ev: Evaluator, node: ts.BinaryExpression, scope: Scope): Value {
  const operator = node.operatorToken.kind;
  if (operator === SyntaxKind.EqualsToken) {
    const value = evaluate(ev, node.right, scope);
    assignTo(ev, node.left, value, scope);
    return value;
  }
  const compound = COMPOUND_ASSIGNMENT.get(operator);
  if (compound !== undefined) {
    const value = combine(
      ev,
      compound,
      evaluate(ev, node.left, scope),
      evaluate(ev, node.right, scope),
      node,
    );
    assignTo(ev, node.left, value, scope);
    return value;
  }
  const left = evaluate(ev, node.left, scope);
  if (
    operator === SyntaxKind.AmpersandAmpersandToken ||
    operator === SyntaxKind.BarBarToken ||
    operator === SyntaxKind.QuestionQuestionToken
  ) {
    if (left instanceof Unknown) {
      ev.skip(node.right, `\`${shortText(node.left)}\` is known only at run time`);
      return left;
    }
    const evaluateRight =
      operator === SyntaxKind.AmpersandAmpersandToken
        ? truthy(left)
        : operator === SyntaxKind.BarBarToken
          ? !truthy(left)
          : left === null || left === undefined;
    if (evaluateRight) return evaluate(ev, node.right, scope);
    ev.kill(node.right);
    return left;
  }
  return combine(ev, operator, left, evaluate(ev, node.right, scope), node);
}

/** `left operator right` for an operator that evaluates both sides. */
export function combine(
  ev: Evaluator,
  operator: ts.SyntaxKind,
  left: Value,
  right: Value,
  node: ts.Node,
): Value {
  if (left instanceof Unknown) return left;
  if (right instanceof Unknown) return right;
  const primitive = (value: Value): value is string | number | boolean | null | undefined =>
    value === null || value === undefined || ["string", "number", "boolean"].includes(typeof value);
  switch (operator) {
    case SyntaxKind.EqualsEqualsEqualsToken:
      return left === right;
    case SyntaxKind.ExclamationEqualsEqualsToken:
      return left !== right;
    case SyntaxKind.EqualsEqualsToken:
      return primitive(left) && primitive(right) ? left == right : left === right;
    case SyntaxKind.ExclamationEqualsToken:
      return primitive(left) && primitive(right) ? left != right : left !== right;
  }
  if (typeof left === "number" && typeof right === "number") {
    switch (operator) {
      case SyntaxKind.PlusToken:
        return left + right;
      case SyntaxKind.MinusToken:
        return left - right;
      case SyntaxKind.AsteriskToken:
        return left * right;
      case SyntaxKind.SlashToken:
        return left / right;
      case SyntaxKind.PercentToken:
        return left % right;
    }
  }
  if (operator === SyntaxKind.InKeyword && (typeof left === "string" || typeof left === "number")) {
    if (isPlainObject(right)) return Object.prototype.hasOwnProperty.call(right, String(left));
    if (Array.isArray(right))
      return String(left) === "length" || (Number(left) >= 0 && Number(left) < right.length);
  }
  // Numbers with numbers, text with text (`origin < dest`, as JavaScript compares them).
  const comparable =
    (typeof left === "number" && typeof right === "number") ||
    (typeof left === "string" && typeof right === "string");
  if (comparable) {
    const [a, b] = [left, right] as [number | string, number | string];
    switch (operator) {
      case SyntaxKind.LessThanToken:
        return a < b;
      case SyntaxKind.GreaterThanToken:
        return a > b;
      case SyntaxKind.LessThanEqualsToken:
        return a <= b;
      case SyntaxKind.GreaterThanEqualsToken:
        return a >= b;
    }
  }
  if (
    operator === SyntaxKind.PlusToken &&
    (typeof left === "string" || typeof right === "string") &&
    primitive(left) &&
    primitive(right)
  ) {
    const text = String(left) + String(right);
    ev.budget.charge(text.length >> 4);
    return text;
  }
  return new Unknown(`\`${shortText(node)}\` is not evaluated statically`);
}

/** `` tag`text ${value}` `` with a project function as the tag: called as at run time. */
export function taggedTemplate(ev: Evaluator, node: ts.TaggedTemplateExpression, scope: Scope): Value {
  const tag = evaluate(ev, node.tag, scope);
  if (tag instanceof BuiltinValue && tag.name === "String.raw") return rawTemplate(ev, node.template, scope);
  if (!(tag instanceof FunctionValue)) {
    return tag instanceof Unknown ? tag : new Unknown(`the tag \`${shortText(node.tag)}\` is not evaluated`);
  }
  const template = node.template;
  const strings: Value[] = [
    template.kind === SyntaxKind.NoSubstitutionTemplateLiteral ? template.text : template.head.text,
  ];
  const values: Value[] = [];
  if (template.kind === SyntaxKind.TemplateExpression) {
    for (const span of template.templateSpans) {
      values.push(evaluate(ev, span.expression, scope));
      strings.push(span.literal.text);
    }
  }
  return apply(ev, tag, [strings, ...values]);
}

/** ``String.raw`text ${value}` ``: the text as written (backslashes kept), values as text. */
export function rawTemplate(ev: Evaluator, template: ts.TemplateLiteral, scope: Scope): Value {
  if (template.kind === SyntaxKind.NoSubstitutionTemplateLiteral) return template.rawText ?? template.text;
  let text = template.head.rawText ?? template.head.text;
  for (const span of template.templateSpans) {
    const value = primitiveText(evaluate(ev, span.expression, scope));
    if (typeof value !== "string") return value;
    text += value + (span.literal.rawText ?? span.literal.text);
  }
  return text;
}

/** The function or class whose `this` a node sees (arrow functions see their parent's). */
export function thisContainer(ev: Evaluator, node: ts.Node): ts.Node | undefined {
  for (let current = node.parent; !isSourceFile(current); current = current.parent) {
    if (isFunctionLike(current) && !isArrowFunction(current)) return current;
    if (isClassLike(current)) return current;
  }
  return undefined;
}

export function thisAt(ev: Evaluator, node: ts.Node, scope: Scope): Value {
  const container = thisContainer(ev, node);
  const value = container ? scope.lookup(container) : Scope.NOT_FOUND;
  return value === Scope.NOT_FOUND || value === undefined
    ? new Unknown("`this` is known only at run time")
    : value;
}

export function propertyName(
  ev: Evaluator,
  node: ts.PropertyName | ts.BindingName,
  scope: Scope,
): string | undefined {
  if (isIdentifier(node) || isStringLiteral(node) || isNumericLiteral(node)) return node.text;
  if (isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (isComputedPropertyName(node)) {
    const key = evaluate(ev, node.expression, scope);
    return typeof key === "string" || typeof key === "number" ? String(key) : undefined;
  }
  return undefined;
}
