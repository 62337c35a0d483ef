/** Small helpers on the compiler's syntax tree shared by the analysis's modules. */
import { ts } from "ts-morph";

// Read once: every `ts.x` through ts-morph's re-exports is a chain of property getters.
const {
  isAsExpression,
  isNonNullExpression,
  isParenthesizedExpression,
  isSatisfiesExpression,
  isTypeAssertionExpression,
  isVariableDeclarationList,
  NodeFlags,
} = ts;

/** The expression inside parentheses, `as`, `satisfies`, `!` and `<T>` assertions. */
export function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  while (
    isParenthesizedExpression(current) ||
    isAsExpression(current) ||
    isSatisfiesExpression(current) ||
    isNonNullExpression(current) ||
    isTypeAssertionExpression(current)
  )
    current = current.expression;
  return current;
}

/** A `const` declaration list (not `let`, `var`, `using`). */
export function isConstList(node: ts.Node): boolean {
  return isVariableDeclarationList(node) && (node.flags & NodeFlags.Const) !== 0;
}
