/**
 * Completion of asset keys inside strings where a key is expected: an element of `deps`, an
 * entry of `ins`, the target of the library's `check(...)`, and the key being typed in a
 * selection (the first argument of the library's `parseSelection`, `resolveSelection`,
 * `trySelect`, or `select:` in the options of its `materialize`/`materializeInMemory`).
 * Library calls are recognised by symbol (../library): `import { check as c }` completes, a
 * project function that happens to be named `check` does not.
 */
import { ts } from "ts-morph";
import type { AnalysisSession } from "../index";
import type { SourceSpan } from "../model";

export interface KeyCompletion {
  key: string;
  /** The text the key replaces (the key typed so far). */
  replace: SourceSpan;
  detail?: string;
  documentation?: string;
  external: boolean;
}

/** Library functions whose first argument is a selection. */
const SELECTION_FUNCTIONS = new Set(["parseSelection", "resolveSelection", "trySelect"]);
/** Library functions whose options take a selection as `select`. */
const SELECT_OPTION_FUNCTIONS = new Set(["materialize", "materializeInMemory"]);

type StringNode = ts.StringLiteral | ts.NoSubstitutionTemplateLiteral;

/** The deepest node of a source file containing an offset. */
function nodeAt(sourceFile: ts.SourceFile, offset: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (offset < node.getStart(sourceFile) || offset > node.getEnd()) return;
    found = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sourceFile, visit);
  return found;
}

function propertyNameOf(node: ts.Node | undefined): string | undefined {
  if (
    node &&
    ts.isPropertyAssignment(node) &&
    (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))
  ) {
    return node.name.text;
  }
  return undefined;
}

/**
 * The node standing for a string in its list or object: the string itself, or, while it is
 * unterminated (being typed), what the parser made of it with the next line (`"ing\n ()` is
 * parsed as a call of the string).
 */
function elementOf(literal: StringNode): ts.Node {
  let element: ts.Node = literal;
  if (!(literal as { isUnterminated?: boolean }).isUnterminated) return element;
  for (;;) {
    const parent = element.parent;
    const leads =
      ((ts.isCallExpression(parent) ||
        ts.isPropertyAccessExpression(parent) ||
        ts.isElementAccessExpression(parent)) &&
        parent.expression === element) ||
      (ts.isBinaryExpression(parent) && parent.left === element);
    if (!leads) return element;
    element = parent;
  }
}

/** True when a string is where a key is expected: in `deps`, in `ins`, or the library's check's target. */
function expectsKey(session: AnalysisSession, literal: StringNode): boolean {
  const element = elementOf(literal);
  const parent = element.parent;
  if (ts.isArrayLiteralExpression(parent) && propertyNameOf(parent.parent) === "deps") return true;
  if (ts.isPropertyAssignment(parent) && parent.initializer === element) {
    return propertyNameOf(parent.parent.parent) === "ins";
  }
  if (ts.isCallExpression(parent) && parent.arguments[0] === element) {
    return session.libraryCallee(parent) === "check";
  }
  return false;
}

/** True when a string is a selection given to the library. */
function isSelectionString(session: AnalysisSession, literal: StringNode): boolean {
  const element = elementOf(literal);
  const parent = element.parent;
  if (ts.isCallExpression(parent) && parent.arguments[0] === element) {
    const callee = session.libraryCallee(parent);
    return callee !== undefined && SELECTION_FUNCTIONS.has(callee);
  }
  if (
    ts.isPropertyAssignment(parent) &&
    parent.initializer === element &&
    propertyNameOf(parent) === "select"
  ) {
    const call = parent.parent.parent;
    if (!ts.isCallExpression(call)) return false;
    const callee = session.libraryCallee(call);
    return callee !== undefined && SELECT_OPTION_FUNCTIONS.has(callee);
  }
  return false;
}

/**
 * The keys of the assets whose call holds a node (an asset would depend on itself): from the
 * analysis's records, so that it holds for any way the call is written.
 */
function ownKeys(session: AnalysisSession, file: string, node: ts.Node): Set<string> {
  const own = new Set<string>();
  for (const record of session.lastResult?.records ?? []) {
    if (record.key === undefined || record.generated || record.call.file !== file) continue;
    if (record.call.start <= node.pos && node.end <= record.call.end) own.add(record.key);
  }
  return own;
}

export function completion(session: AnalysisSession, file: string, offset: number): KeyCompletion[] {
  const sourceFile = session.analysedSourceFile(file);
  if (!sourceFile || offset < 0 || offset > sourceFile.end) return [];
  const node = nodeAt(sourceFile, offset);
  if (!node || !(ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return [];
  const start = node.getStart(sourceFile);
  // Before the opening quote is outside the string.
  if (offset <= start) return [];
  let replace: SourceSpan;
  if (expectsKey(session, node)) {
    // The whole string is the key.
    const written = node.getText(sourceFile);
    const closed = written.length >= 2 && /["'`]$/.test(written) && node.getEnd() - 1 > start;
    // A string still being typed runs to the end of the line (`"ingest/|],`): up to the cursor.
    replace = { file, start: start + 1, end: closed ? node.getEnd() - 1 : offset };
  } else if (isSelectionString(session, node)) {
    // A selection (`+ingest/raw_orders or group:marts`): the key being typed at the cursor.
    const typed = sourceFile.text.slice(start + 1, offset);
    const word = /[A-Za-z0-9_./*-]*$/.exec(typed)![0];
    const before = typed.slice(0, typed.length - word.length);
    // After `group:`, `tag:`, `owner:` or `kind:` comes no key: nor `<null>` being typed, nor
    // a tag's value after `=`.
    if (/(?:group|tag|owner|kind):"?<?$/.test(before) || /\btag:(?:"[^"]*"|[^\s()"=]*)="?$/.test(before))
      return [];
    replace = { file, start: offset - word.length, end: offset };
  } else return [];
  const own = ownKeys(session, file, node);
  const seen = new Set<string>();
  const items: KeyCompletion[] = [];
  for (const record of session.lastResult?.records ?? []) {
    const key = record.key;
    if (key === undefined || own.has(key) || seen.has(key)) continue;
    seen.add(key);
    const item: KeyCompletion = { key, replace, external: record.external };
    const detail = [
      record.group ? `group ${record.group}` : undefined,
      record.external ? "external" : undefined,
    ]
      .filter(Boolean)
      .join(" · ");
    if (detail) item.detail = detail;
    if (record.description) item.documentation = record.description;
    items.push(item);
  }
  return items;
}
