/**
 * Editor features on asset keys: hover, go to definition, find references, rename,
 * completion of keys in `deps`/`ins`/check targets, document and workspace symbols. String
 * keys get the same navigation that references to asset values get from TypeScript.
 */
import {
  CompletionItemKind,
  MarkupKind,
  SymbolKind,
  type CompletionItem,
  type DocumentSymbol,
  type Hover,
  type Location,
  type Position,
  type Range,
  type SymbolInformation,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver/node";
import { ts } from "ts-morph";
import type { AssetRecord, Occurrence, SourceSpan } from "@assetline/analysis";
import { pathToUri, type Project } from "./projects";
import { statusOf } from "./runStatus";

export function rangeOf(project: Project, span: SourceSpan): Range {
  const start = project.session.locate(span.file, span.start);
  const end = project.session.locate(span.file, span.end);
  return {
    start: { line: start.line - 1, character: start.column - 1 },
    end: { line: end.line - 1, character: end.column - 1 },
  };
}

export function locationOf(project: Project, span: SourceSpan): Location {
  return { uri: pathToUri(span.file), range: rangeOf(project, span) };
}

/** Offset of an LSP position in the text the last analysis saw. */
export function offsetAt(project: Project, file: string, position: Position): number | undefined {
  const text = project.session.analysedText(file);
  if (text === undefined) return undefined;
  let line = 0;
  let offset = 0;
  while (line < position.line) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return undefined;
    offset = next + 1;
    line++;
  }
  return Math.min(offset + position.character, text.length);
}

function occurrenceAt(project: Project, file: string, position: Position): Occurrence | undefined {
  const offset = offsetAt(project, file, position);
  if (offset === undefined) return undefined;
  return project.session.occurrences()?.at(file, offset);
}

/** The record an asset key refers to (the first declaration when duplicated). */
function recordOf(project: Project, key: string): AssetRecord | undefined {
  return project.result?.built.byKey.get(key);
}

/** The asset declared by the call under the cursor (callee or key). */
function declarationAt(project: Project, file: string, position: Position): AssetRecord | undefined {
  const offset = offsetAt(project, file, position);
  if (offset === undefined) return undefined;
  let best: AssetRecord | undefined;
  for (const record of project.result?.records ?? []) {
    const call = record.call;
    if (call.file !== file) continue;
    // The name it is assigned to (`export const orders = asset(...)`), as on its uses.
    const declaration = record.callNode.parent;
    if (
      ts.isVariableDeclaration(declaration) &&
      declaration.initializer === record.callNode &&
      offset >= declaration.name.getStart() &&
      offset <= declaration.name.end
    )
      return record;
    if (offset < call.start || offset > record.keySpan.end) continue;
    if (!best || call.start > best.call.start) best = record;
  }
  return best;
}

function list(items: readonly string[]): string {
  return items.map((item) => `\`${item}\``).join(", ");
}

export function hover(project: Project, file: string, position: Position): Hover | null {
  const occurrence = occurrenceAt(project, file, position);
  const key = occurrence?.key ?? declarationAt(project, file, position)?.key;
  if (key === undefined) return null;
  const record = recordOf(project, key);
  const lines: string[] = [];
  if (!record) {
    lines.push(`**${key}**`, "", "Unknown asset: no asset or external asset has this key.");
  } else {
    const node = project.result?.graph.assets.find((asset) => asset.key === key);
    const badges = [
      record.external ? "external" : undefined,
      record.generated ? "generated" : undefined,
    ].filter(Boolean);
    lines.push(
      `**${key}**${record.group ? ` · group \`${record.group}\`` : ""}${badges.length ? ` · ${badges.join(", ")}` : ""}`,
    );
    if (record.description) lines.push("", record.description);
    const facts: string[] = [];
    if (record.owners?.length) facts.push(`Owners: ${list(record.owners)}`);
    if (record.kinds?.length) facts.push(`Kinds: ${list(record.kinds)}`);
    if (record.tags && Object.keys(record.tags).length > 0) {
      facts.push(`Tags: ${list(Object.entries(record.tags).map(([name, value]) => `${name}=${value}`))}`);
    }
    if (record.metadata) {
      const classification = ["pii", "securityClass", "retention"]
        .filter((name) => record.metadata?.[name] !== undefined)
        .map((name) => `${name}: ${JSON.stringify(record.metadata?.[name])}`);
      if (classification.length > 0) facts.push(`Classification: ${classification.join(", ")}`);
      const other = Object.keys(record.metadata).filter(
        (name) => !["pii", "securityClass", "retention"].includes(name),
      );
      if (other.length > 0)
        facts.push(
          `Metadata: ${list(other.map((name) => `${name}=${JSON.stringify(record.metadata?.[name])}`))}`,
        );
    }
    if (record.maxLag) facts.push(`Freshness: at most ${record.maxLag} old`);
    if (node) {
      // The graph lists deps as written; a broken one (the diagnostics say why) is not upstream.
      const upstream = node.deps.filter((dep) => dep !== key && project.result?.built.byKey.has(dep));
      const broken = node.deps.filter((dep) => !upstream.includes(dep));
      facts.push(
        `Upstream (${upstream.length}): ${upstream.length ? list(upstream) : "none"}` +
          (broken.length ? `; not in the graph: ${list(broken)}` : ""),
      );
      const downstream = [...(project.result?.built.downstream.get(key) ?? [])].sort();
      facts.push(`Downstream (${downstream.length}): ${downstream.length ? list(downstream) : "none"}`);
      if (node.checks.length > 0) facts.push(`Checks: ${list(node.checks)}`);
    }
    if (!record.external) {
      const status = statusOf(project, key);
      if (status) facts.push(`Run state: ${status.title}${status.reason ? ` — ${status.reason}` : ""}`);
      const output = project.session.outputTypeText(record);
      if (output) facts.push(`Output: \`${output.length > 200 ? `${output.slice(0, 197)}...` : output}\``);
    }
    if (facts.length > 0) lines.push("", ...facts.map((fact) => `- ${fact}`));
  }
  const result: Hover = { contents: { kind: MarkupKind.Markdown, value: lines.join("\n") } };
  if (occurrence) result.range = rangeOf(project, occurrence.span);
  return result;
}

export function definition(project: Project, file: string, position: Position): Location[] | null {
  const occurrence = occurrenceAt(project, file, position);
  // References to asset values are TypeScript's own (it goes to the const); strings are ours.
  if (!occurrence || occurrence.kind === "declaration" || !occurrence.literal) return null;
  const declarations =
    project.session
      .occurrences()
      ?.of(occurrence.key)
      .filter((item) => item.kind === "declaration") ?? [];
  if (declarations.length === 0) return null;
  // An asset a factory made: where the factory is called (as the graph and the lenses place it).
  return declarations.map((item) => locationOf(project, item.record?.site ?? item.span));
}

export function references(
  project: Project,
  file: string,
  position: Position,
  includeDeclaration: boolean,
): Location[] | null {
  const key = occurrenceAt(project, file, position)?.key ?? declarationAt(project, file, position)?.key;
  if (key === undefined) return null;
  const occurrences = project.session.occurrences()?.of(key) ?? [];
  return occurrences
    .filter((item) => includeDeclaration || item.kind !== "declaration")
    .map((item) => locationOf(project, item.record?.site ?? item.span));
}

/** The key under the cursor, when it can be renamed: every place it is written is a plain string. */
export function prepareRename(
  project: Project,
  file: string,
  position: Position,
): { range: Range; placeholder: string } | string {
  const occurrence = occurrenceAt(project, file, position);
  if (!occurrence) return "Place the cursor on an asset key to rename it.";
  if (!occurrence.literal)
    return "This key is computed (a template or a factory), so it cannot be renamed here.";
  const declarations =
    project.session
      .occurrences()
      ?.of(occurrence.key)
      .filter((item) => item.kind === "declaration") ?? [];
  if (declarations.some((item) => !item.literal)) {
    return `"${occurrence.key}" is generated by a factory: rename it where the factory builds it.`;
  }
  const range = rangeOf(project, occurrence.span);
  range.start.character += 1;
  range.end.character -= 1;
  return { range, placeholder: occurrence.key };
}

export function rename(
  project: Project,
  file: string,
  position: Position,
  newKey: string,
): WorkspaceEdit | string {
  const prepared = prepareRename(project, file, position);
  if (typeof prepared === "string") return prepared;
  const changes: Record<string, TextEdit[]> = {};
  for (const item of project.session.occurrences()?.of(prepared.placeholder) ?? []) {
    if (!item.literal) continue;
    const range = rangeOf(project, item.span);
    range.start.character += 1;
    range.end.character -= 1;
    const uri = pathToUri(item.span.file);
    (changes[uri] ??= []).push({ range, newText: newKey });
  }
  return { changes };
}

/** The deepest node of a source file containing a position. */
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
function elementOf(literal: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): ts.Node {
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

/** True when a string literal is where a key is expected: in `deps`, in `ins`, or a check's target. */
function expectsKey(literal: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): boolean {
  const element = elementOf(literal);
  const parent = element.parent;
  if (ts.isArrayLiteralExpression(parent) && propertyNameOf(parent.parent) === "deps") return true;
  if (ts.isPropertyAssignment(parent) && parent.initializer === element) {
    return propertyNameOf(parent.parent.parent) === "ins";
  }
  if (ts.isCallExpression(parent) && parent.arguments[0] === element) {
    const callee = parent.expression;
    const name = ts.isIdentifier(callee)
      ? callee.text
      : ts.isPropertyAccessExpression(callee)
        ? callee.name.text
        : "";
    return name === "check";
  }
  return false;
}

/** Functions of the library whose first argument is a selection. */
const SELECTION_FUNCTIONS = new Set(["parseSelection", "resolveSelection", "trySelect"]);

/**
 * True when a string is a selection: the first argument of `parseSelection`, `resolveSelection`
 * or `trySelect`, or `select:` in the options of `materializeInMemory`/`materialize`.
 */
function isSelectionString(literal: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): boolean {
  const element = elementOf(literal);
  const parent = element.parent;
  const calleeName = (call: ts.CallExpression): string => {
    const callee = call.expression;
    return ts.isIdentifier(callee)
      ? callee.text
      : ts.isPropertyAccessExpression(callee)
        ? callee.name.text
        : "";
  };
  if (ts.isCallExpression(parent) && parent.arguments[0] === element)
    return SELECTION_FUNCTIONS.has(calleeName(parent));
  if (
    ts.isPropertyAssignment(parent) &&
    parent.initializer === element &&
    propertyNameOf(parent) === "select"
  ) {
    const call = parent.parent.parent;
    return ts.isCallExpression(call) && /^materialize/.test(calleeName(call));
  }
  return false;
}

/** The key of the `asset("key", spec)` call whose spec holds a node. */
function ownKey(node: ts.Node): string | undefined {
  for (let current = node.parent; current && !ts.isSourceFile(current); current = current.parent) {
    if (!ts.isCallExpression(current)) continue;
    const [key, spec] = current.arguments;
    if (key && spec && ts.isStringLiteralLike(key) && spec.pos <= node.pos && node.end <= spec.end)
      return key.text;
  }
  return undefined;
}

export function completion(project: Project, file: string, position: Position): CompletionItem[] {
  const sourceFile = project.session.currentSourceFile(file);
  if (!sourceFile) return [];
  let offset: number;
  try {
    offset = sourceFile.getPositionOfLineAndCharacter(position.line, position.character);
  } catch {
    return [];
  }
  const node = nodeAt(sourceFile, offset);
  if (!node || !(ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return [];
  // Before the opening quote is outside the string.
  if (offset <= node.getStart(sourceFile)) return [];
  let range: Range;
  if (expectsKey(node)) {
    // The whole string is the key.
    const start = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile) + 1);
    const closed =
      node.getText(sourceFile).length >= 2 &&
      /["'`]$/.test(node.getText(sourceFile)) &&
      node.getEnd() - 1 > node.getStart(sourceFile);
    // A string still being typed runs to the end of the line (`"ingest/|],`): up to the cursor.
    const end = sourceFile.getLineAndCharacterOfPosition(closed ? node.getEnd() - 1 : offset);
    range = { start, end };
  } else if (isSelectionString(node)) {
    // A selection (`+ingest/raw_orders or group:marts`): the key being typed at the cursor.
    const typed = sourceFile.text.slice(node.getStart(sourceFile) + 1, offset);
    const word = /[A-Za-z0-9_./*-]*$/.exec(typed)![0];
    const before = typed.slice(0, typed.length - word.length);
    // After `group:`, `tag:`, `owner:` or `kind:` comes no key: nor `<null>` being typed, nor
    // a tag's value after `=`.
    if (/(?:group|tag|owner|kind):"?<?$/.test(before) || /\btag:(?:"[^"]*"|[^\s()"=]*)="?$/.test(before))
      return [];
    range = {
      start: sourceFile.getLineAndCharacterOfPosition(offset - word.length),
      end: sourceFile.getLineAndCharacterOfPosition(offset),
    };
  } else return [];
  // Not the key of the asset being written (it would depend on itself).
  const own = ownKey(node);
  return (project.result?.records ?? [])
    .filter(
      (record, index, all) =>
        record.key !== undefined &&
        record.key !== own &&
        all.findIndex((other) => other.key === record.key) === index,
    )
    .map((record): CompletionItem => {
      const key = record.key as string;
      // No filterText: it would be the label anyway, and a client that sees one falls back to
      // its own word before the cursor (Neovim's stops at `/`: `"ingest/raw_c` filters on
      // `raw_c` and drops every key), where without it the client filters the text of the
      // range (the whole key typed so far) against the label.
      const item: CompletionItem = {
        label: key,
        kind: CompletionItemKind.Reference,
        textEdit: { range, newText: key },
        sortText: key,
      };
      const detail = [
        record.group ? `group ${record.group}` : undefined,
        record.external ? "external" : undefined,
      ]
        .filter(Boolean)
        .join(" · ");
      if (detail) item.detail = detail;
      if (record.description) item.documentation = record.description;
      return item;
    });
}

export function documentSymbols(project: Project, file: string): DocumentSymbol[] {
  // An asset a factory made is listed where the factory is called, as the graph places it.
  return (project.result?.records ?? [])
    .filter((record) => record.key !== undefined && (record.site ?? record.call).file === file)
    .map((record) => {
      const symbol: DocumentSymbol = {
        name: record.key as string,
        kind: record.external ? SymbolKind.Interface : SymbolKind.Constant,
        range: rangeOf(project, record.site ?? record.call),
        selectionRange: rangeOf(project, record.site ?? record.keySpan),
      };
      const detail = [record.exportName, record.generated ? "generated" : undefined, record.group]
        .filter(Boolean)
        .join(" · ");
      if (detail) symbol.detail = detail;
      return symbol;
    });
}

export function workspaceSymbols(projects: readonly Project[], query: string): SymbolInformation[] {
  const needle = query.toLowerCase();
  const result: SymbolInformation[] = [];
  for (const project of projects) {
    for (const record of project.result?.records ?? []) {
      if (record.key === undefined) continue;
      const key = record.key;
      if (needle && !fuzzy(key.toLowerCase(), needle)) continue;
      result.push({
        name: key,
        kind: record.external ? SymbolKind.Interface : SymbolKind.Constant,
        location: locationOf(project, record.site ?? record.keySpan),
        containerName: record.group ?? project.session.relative((record.site ?? record.call).file),
      });
      if (result.length >= 500) return result;
    }
  }
  return result;
}

/** The query's characters appear in order in the text. */
function fuzzy(text: string, query: string): boolean {
  let index = 0;
  for (const char of query) {
    index = text.indexOf(char, index);
    if (index < 0) return false;
    index++;
  }
  return true;
}
