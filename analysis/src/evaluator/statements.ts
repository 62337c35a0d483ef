/** Statements: declarations, blocks, branches, loops, `switch`, `try`, enums and namespaces. */
import { ts } from "ts-morph";
import { BudgetExceeded, MAX_LOOP_PASSES } from "./budget";
import { classValue } from "./classes";
import type { Evaluator } from "./evaluator";
import { evaluate, member, propertyName, shortText } from "./expressions";
import { declarationOf } from "./names";
import { Scope } from "./scope";
import {
  FunctionValue,
  Unknown,
  isPlainObject,
  iterate,
  keysOf,
  newObject,
  truthy,
  unknownFrom,
  type Value,
} from "./values";

const {
  ModifierFlags,
  SyntaxKind,
  canHaveModifiers,
  getCombinedModifierFlags,
  getModifiers,
  isBlock,
  isBreakStatement,
  isCaseClause,
  isClassDeclaration,
  isContinueStatement,
  isDoStatement,
  isElementAccessExpression,
  isEmptyStatement,
  isEnumDeclaration,
  isExportAssignment,
  isExpressionStatement,
  isForInStatement,
  isForOfStatement,
  isForStatement,
  isFunctionDeclaration,
  isIdentifier,
  isIfStatement,
  isLabeledStatement,
  isModuleBlock,
  isModuleDeclaration,
  isObjectBindingPattern,
  isOmittedExpression,
  isPropertyAccessExpression,
  isReturnStatement,
  isSwitchStatement,
  isTryStatement,
  isVariableDeclarationList,
  isVariableStatement,
  isWhileStatement,
} = ts;

/** How a statement is named in a message ("a `for...in` statement ..."). */
function statementKind(statement: ts.Statement): string {
  switch (statement.kind) {
    case SyntaxKind.ForInStatement:
      return "for...in";
    case SyntaxKind.LabeledStatement:
      return "labelled";
    case SyntaxKind.ThrowStatement:
      return "throw";
    case SyntaxKind.ClassDeclaration:
      return "class";
    case SyntaxKind.WithStatement:
      return "with";
    default:
      return SyntaxKind[statement.kind] ?? "statement";
  }
}

export type Completion =
  | { type: "return"; value: Value }
  | { type: "break"; label?: string }
  | { type: "continue"; label?: string }
  | undefined;

/** The label of a loop (`outer: for ...`), for labelled `break` and `continue`. */
function labelOf(statement: ts.Statement): string | undefined {
  return isLabeledStatement(statement.parent) ? statement.parent.label.text : undefined;
}

/**
 * What a loop does with its body's completion: "next" pass, "stop" the loop, or pass it on
 * (a return, or a labelled break/continue of an outer statement).
 */
function loopControl(completion: Completion, label: string | undefined): "next" | "stop" | Completion {
  if (!completion) return "next";
  if (completion.type === "return") return completion;
  if (completion.label !== undefined && completion.label !== label) return completion;
  return completion.type === "break" ? "stop" : "next";
}

export function hoistFunctions(ev: Evaluator, statements: ts.NodeArray<ts.Statement>, scope: Scope): void {
  for (const statement of statements) {
    if (isFunctionDeclaration(statement) && statement.body) {
      scope.set(statement, new FunctionValue(statement, scope));
    }
  }
}

export function execTopLevel(ev: Evaluator, statement: ts.Statement, scope: Scope): void {
  if (isExportAssignment(statement)) {
    scope.set(statement, evaluate(ev, statement.expression, scope));
    return;
  }
  if (isVariableStatement(statement)) {
    const ambient = statement.modifiers?.some((modifier) => modifier.kind === SyntaxKind.DeclareKeyword);
    for (const declaration of statement.declarationList.declarations) {
      const value = declaration.initializer
        ? evaluate(ev, declaration.initializer, scope)
        : ambient
          ? new Unknown(`\`${declaration.name.getText()}\` is declared, not defined: known only at run time`)
          : undefined;
      if (declaration.initializer) ev.host.declared(declaration, value);
      bind(ev, declaration.name, value, scope);
    }
    return;
  }
  exec(ev, statement, scope);
}

export function exec(ev: Evaluator, statement: ts.Statement, scope: Scope): Completion {
  ev.budget.tick();
  if (isVariableStatement(statement)) {
    for (const declaration of statement.declarationList.declarations) {
      const value = declaration.initializer ? evaluate(ev, declaration.initializer, scope) : undefined;
      bind(ev, declaration.name, value, scope);
    }
    return undefined;
  }
  if (isExpressionStatement(statement)) {
    evaluate(ev, statement.expression, scope);
    return undefined;
  }
  if (isReturnStatement(statement)) {
    return {
      type: "return",
      value: statement.expression ? evaluate(ev, statement.expression, scope) : undefined,
    };
  }
  if (isBlock(statement)) return execBlock(ev, statement.statements, new Scope(scope));
  if (isIfStatement(statement)) {
    const condition = evaluate(ev, statement.expression, scope);
    if (condition instanceof Unknown) {
      const reason = `the condition \`${shortText(statement.expression)}\` is known only at run time`;
      ev.skip(statement.thenStatement, reason);
      if (statement.elseStatement) ev.skip(statement.elseStatement, reason);
      return undefined;
    }
    if (truthy(condition)) {
      if (statement.elseStatement) ev.kill(statement.elseStatement);
      return exec(ev, statement.thenStatement, scope);
    }
    ev.kill(statement.thenStatement);
    if (statement.elseStatement) return exec(ev, statement.elseStatement, scope);
    return undefined;
  }
  if (isForOfStatement(statement) || isForInStatement(statement)) {
    const iterable = evaluate(ev, statement.expression, scope);
    const items = isForOfStatement(statement) ? iterate(iterable) : keysOf(iterable);
    if (!items) {
      ev.skip(
        statement.statement,
        iterable instanceof Unknown
          ? iterable.reason
          : isForOfStatement(statement)
            ? `\`${shortText(statement.expression)}\` is not a list`
            : `the keys of \`${shortText(statement.expression)}\` are not known`,
      );
      return undefined;
    }
    if (items.length === 0) ev.kill(statement.statement);
    for (const item of items) {
      const loopScope = new Scope(scope);
      const initializer = statement.initializer;
      if (isVariableDeclarationList(initializer)) {
        const declaration = initializer.declarations[0];
        if (declaration) bind(ev, declaration.name, item, loopScope);
      } else {
        assignTo(ev, initializer, item, scope);
      }
      const control = loopControl(exec(ev, statement.statement, loopScope), labelOf(statement));
      if (control === "stop") break;
      if (control !== "next") return control;
    }
    return undefined;
  }
  if (isForStatement(statement) || isWhileStatement(statement) || isDoStatement(statement)) {
    return loop(ev, statement, scope);
  }
  if (isSwitchStatement(statement)) return switchOver(ev, statement, scope);
  if (isTryStatement(statement)) {
    // Statically the `try` block runs to its end; `catch` is for failures at run time.
    const completion = execBlock(ev, statement.tryBlock.statements, new Scope(scope));
    if (statement.catchClause) {
      ev.skip(statement.catchClause.block, "a `catch` block runs only when something fails at run time");
    }
    const after = statement.finallyBlock
      ? execBlock(ev, statement.finallyBlock.statements, new Scope(scope))
      : undefined;
    return after ?? completion;
  }
  if (isModuleDeclaration(statement) && isIdentifier(statement.name) && statement.body) {
    const ambient = getCombinedModifierFlags(statement) & ModifierFlags.Ambient;
    if (!ambient) scope.set(statement, namespaceValue(ev, statement, scope));
    return undefined;
  }
  if (isEnumDeclaration(statement)) {
    scope.set(statement, enumValue(ev, statement, scope));
    return undefined;
  }
  if (isClassDeclaration(statement)) {
    const value = classValue(ev, statement, scope);
    if (statement.name) scope.set(statement, value);
    return undefined;
  }
  if (isBreakStatement(statement)) return { type: "break", label: statement.label?.text };
  if (isContinueStatement(statement)) return { type: "continue", label: statement.label?.text };
  if (isLabeledStatement(statement)) {
    const completion = exec(ev, statement.statement, scope);
    return completion?.type === "break" && completion.label === statement.label.text ? undefined : completion;
  }
  if (isFunctionDeclaration(statement) || isEmptyStatement(statement)) return undefined;
  // Anything else (for...in, labels, classes, throw): its calls are reported as not evaluated.
  ev.skip(statement, `a \`${statementKind(statement)}\` statement is not evaluated statically`);
  return undefined;
}

/**
 * An enum as at run time (`const enum` too: its members are the same values): string members,
 * numbers counting on from the last one, and numeric members mapped back to their names.
 */
export function enumValue(ev: Evaluator, node: ts.EnumDeclaration, scope: Scope): Value {
  const value = newObject();
  const inner = new Scope(scope);
  let next: Value = 0;
  for (const member of node.members) {
    const name = propertyName(ev, member.name, scope);
    let item: Value = member.initializer ? evaluate(ev, member.initializer, inner) : next;
    if (item === undefined) item = new Unknown(`the enum member \`${member.name.getText()}\` has no value`);
    if (name === undefined) continue;
    value[name] = item;
    inner.set(member, item);
    if (typeof item === "number") {
      value[String(item)] = name;
      next = item + 1;
    } else next = new Unknown(`the enum member after \`${name}\` has no value`);
  }
  return value;
}

/** `namespace Treasury { export const ... }`: its statements run, its exports are members. */
export function namespaceValue(ev: Evaluator, node: ts.ModuleDeclaration, scope: Scope): Value {
  const value = newObject();
  const inner = new Scope(scope);
  const body = node.body;
  if (body && isModuleDeclaration(body) && isIdentifier(body.name)) {
    // `namespace A.B { ... }`: B is a member of A.
    value[body.name.text] = namespaceValue(ev, body, inner);
    return value;
  }
  if (!body || !isModuleBlock(body)) return value;
  hoistFunctions(ev, body.statements, inner);
  for (const statement of body.statements) {
    execTopLevel(ev, statement, inner);
    const exported =
      canHaveModifiers(statement) &&
      getModifiers(statement)?.some((modifier) => modifier.kind === SyntaxKind.ExportKeyword) === true;
    if (!exported) continue;
    if (isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (isIdentifier(declaration.name)) {
          const item = inner.lookup(declaration);
          if (item !== Scope.NOT_FOUND) value[declaration.name.text] = item;
        }
      }
    } else if (
      (isFunctionDeclaration(statement) || isClassDeclaration(statement) || isModuleDeclaration(statement)) &&
      statement.name &&
      isIdentifier(statement.name)
    ) {
      const item = inner.lookup(statement);
      if (item !== Scope.NOT_FOUND) value[statement.name.text] = item;
    }
  }
  return value;
}

/** `for (init; condition; step)`, `while` and `do...while`, each pass costing budget steps. */
export function loop(
  ev: Evaluator,
  statement: ts.ForStatement | ts.WhileStatement | ts.DoStatement,
  scope: Scope,
): Completion {
  const loopScope = new Scope(scope);
  let condition: ts.Expression | undefined;
  if (isForStatement(statement)) {
    const init = statement.initializer;
    if (init && isVariableDeclarationList(init)) {
      for (const declaration of init.declarations) {
        const value = declaration.initializer ? evaluate(ev, declaration.initializer, loopScope) : undefined;
        bind(ev, declaration.name, value, loopScope);
      }
    } else if (init) evaluate(ev, init, loopScope);
    condition = statement.condition;
  } else condition = statement.expression;
  let first = isDoStatement(statement);
  for (let pass = 0; ; pass++) {
    // A loop that is not over a list stops early: endless ones are usually half-typed code.
    if (pass === MAX_LOOP_PASSES) throw new BudgetExceeded();
    if (!first && condition) {
      const test = evaluate(ev, condition, loopScope);
      if (test instanceof Unknown) {
        ev.skip(
          statement.statement,
          `the loop condition \`${shortText(condition)}\` is known only at run time`,
        );
        return undefined;
      }
      if (!truthy(test)) {
        if (pass === 0) ev.kill(statement.statement);
        return undefined;
      }
    }
    first = false;
    const control = loopControl(exec(ev, statement.statement, new Scope(loopScope)), labelOf(statement));
    if (control === "stop") return undefined;
    if (control !== "next") return control;
    if (isForStatement(statement) && statement.incrementor) evaluate(ev, statement.incrementor, loopScope);
  }
}

export function switchOver(ev: Evaluator, statement: ts.SwitchStatement, scope: Scope): Completion {
  const subject = evaluate(ev, statement.expression, scope);
  const clauses = statement.caseBlock.clauses;
  if (subject instanceof Unknown) {
    const reason = `the \`switch\` on \`${shortText(statement.expression)}\` is decided at run time`;
    for (const clause of clauses) ev.skip(clause, reason);
    return undefined;
  }
  let start = clauses.findIndex((clause) => {
    if (!isCaseClause(clause)) return false;
    const value = evaluate(ev, clause.expression, scope);
    return !(value instanceof Unknown) && value === subject;
  });
  if (start < 0) start = clauses.findIndex((clause) => !isCaseClause(clause));
  const blockScope = new Scope(scope);
  let end = clauses.length;
  let completion: Completion;
  for (let index = Math.max(start, 0); start >= 0 && index < clauses.length; index++) {
    completion = execBlock(ev, clauses[index]!.statements, blockScope);
    if (completion) {
      end = index + 1;
      break;
    }
  }
  clauses.forEach((clause, index) => {
    if (start < 0 || index < start || index >= end) ev.kill(clause);
  });
  return completion?.type === "break" && completion.label === undefined ? undefined : completion;
}

export function execBlock(ev: Evaluator, statements: ts.NodeArray<ts.Statement>, scope: Scope): Completion {
  hoistFunctions(ev, statements, scope);
  for (const statement of statements) {
    const completion = exec(ev, statement, scope);
    if (completion) return completion;
  }
  return undefined;
}

export function bind(ev: Evaluator, name: ts.BindingName, value: Value, scope: Scope): void {
  if (isIdentifier(name)) {
    scope.set(name.parent, value);
    return;
  }
  if (isObjectBindingPattern(name)) {
    const used = new Set<string>();
    for (const element of name.elements) {
      if (element.dotDotDotToken) {
        if (isPlainObject(value)) {
          const rest = newObject();
          for (const [key, item] of Object.entries(value)) if (!used.has(key)) rest[key] = item;
          bind(ev, element.name, rest, scope);
        } else bind(ev, element.name, unknownFrom(value), scope);
        continue;
      }
      const propertyNode = element.propertyName ?? element.name;
      const key = propertyName(ev, propertyNode, scope);
      if (key === undefined) {
        bind(ev, element.name, new Unknown("a computed property name"), scope);
        continue;
      }
      used.add(key);
      let item = member(ev, value, key);
      if (item === undefined && element.initializer) item = evaluate(ev, element.initializer, scope);
      bind(ev, element.name, item, scope);
    }
    return;
  }
  name.elements.forEach((element, index) => {
    if (isOmittedExpression(element)) return;
    let item: Value;
    if (element.dotDotDotToken) item = Array.isArray(value) ? value.slice(index) : unknownFrom(value);
    else item = Array.isArray(value) ? value[index] : member(ev, value, String(index));
    if (item === undefined && element.initializer) item = evaluate(ev, element.initializer, scope);
    bind(ev, element.name, item, scope);
  });
}

export function assignTo(ev: Evaluator, target: ts.Node, value: Value, scope: Scope): void {
  if (isIdentifier(target)) {
    const declaration = declarationOf(ev, target);
    if (declaration) scope.assign(declaration, value);
    return;
  }
  // `out[name] = ...`, `registry.orders = ...` on an object or list the evaluator holds.
  if (isPropertyAccessExpression(target) || isElementAccessExpression(target)) {
    const object = evaluate(ev, target.expression, scope);
    const key = isPropertyAccessExpression(target)
      ? target.name.text
      : evaluate(ev, target.argumentExpression, scope);
    if (typeof key !== "string" && typeof key !== "number") return;
    if (isPlainObject(object)) object[String(key)] = value;
    else if (Array.isArray(object) && typeof key === "number" && key >= 0 && key <= object.length) {
      object[key] = value;
    }
  }
}
