/**
 * Code actions on asset keys: replace a misspelt key with the closest known one, create a stub
 * for an unknown key, use a reference to the upstream asset instead of its string key (adding
 * the import). The file's imports are read by symbol: the local name of the library's `asset`
 * (`import { asset as a }`, `import * as al`), the name an asset is already imported under.
 */
import path from "node:path";
import { ts } from "ts-morph";
import type { AnalysisSession } from "../index";
import { closestKey } from "../graph";
import type { AssetRecord } from "../model";
import type { Occurrence } from "../occurrences";
import { inside, type SpanEdit } from "./common";

export interface KeyAction {
  title: string;
  kind: "quickfix" | "refactor.rewrite";
  /** The index of the diagnostic (of those given) the action fixes. */
  fixes?: number;
  preferred?: boolean;
  edits: SpanEdit[];
}

/** A diagnostic the editor shows, as far as the actions need it: its code and where it starts. */
export interface ActionDiagnostic {
  code: string;
  start: number;
}

const KEY_CODES = new Set(["unknown-asset", "unknown-check-target"]);

function identifierFor(key: string): string {
  const words = key.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words
    .map((word, index) =>
      index === 0 ? word.toLowerCase() : word[0]!.toUpperCase() + word.slice(1).toLowerCase(),
    )
    .join("");
  return /^[A-Za-z_$]/.test(name) ? name : `asset${name}`;
}

function imports(sourceFile: ts.SourceFile): ts.ImportDeclaration[] {
  return sourceFile.statements.filter(ts.isImportDeclaration);
}

/** Where a new import goes: the start of the line after the last import (the file's start without one). */
function newImportOffset(sourceFile: ts.SourceFile): number {
  const last = imports(sourceFile).at(-1);
  if (!last) return 0;
  const text = sourceFile.text;
  const lineEnd = text.indexOf("\n", last.end);
  return lineEnd < 0 ? text.length : lineEnd + 1;
}

/**
 * The edit that imports `name` from `specifier`: into the file's named import from that module
 * when it has one (`import { a } from "./x"` -> `import { a, name } from "./x"`), else as a new
 * import after the last one.
 */
function importEdit(sourceFile: ts.SourceFile, name: string, specifier: string): SpanEdit {
  const file = sourceFile.fileName;
  const bare = (written: string): string =>
    written.replace(/\.(?:[cm]?[jt]s|tsx)$/, "").replace(/\/index$/, "");
  for (const statement of imports(sourceFile)) {
    if (
      !ts.isStringLiteral(statement.moduleSpecifier) ||
      bare(statement.moduleSpecifier.text) !== bare(specifier)
    )
      continue;
    const clause = statement.importClause;
    const bindings = clause?.namedBindings;
    if (!clause || clause.isTypeOnly || !bindings || !ts.isNamedImports(bindings)) continue;
    const last = bindings.elements.at(-1);
    const at = last ? last.end : bindings.getStart(sourceFile) + 1;
    return { span: { file, start: at, end: at }, newText: last ? `, ${name}` : ` ${name} ` };
  }
  const at = newImportOffset(sourceFile);
  return { span: { file, start: at, end: at }, newText: `import { ${name} } from "${specifier}";\n` };
}

/** The name under which a file can call the library's `asset`, when it imports it. */
function assetName(session: AnalysisSession, sourceFile: ts.SourceFile): string | undefined {
  for (const statement of imports(sourceFile)) {
    const clause = statement.importClause;
    const bindings = clause?.namedBindings;
    if (!clause || clause.isTypeOnly || !bindings) continue;
    if (ts.isNamespaceImport(bindings)) {
      const module = session.targetOf(bindings.name);
      const member = module?.exports?.get(ts.escapeLeadingUnderscores("asset"));
      if (member && session.libraryNameAt(bindings.name) !== undefined) return `${bindings.name.text}.asset`;
      continue;
    }
    for (const element of bindings.elements) {
      if (!element.isTypeOnly && session.libraryNameAt(element.name) === "asset") return element.name.text;
    }
  }
  return undefined;
}

/** The local name under which a file already imports an asset's exported const, if it does. */
function importedNameOf(
  session: AnalysisSession,
  sourceFile: ts.SourceFile,
  target: AssetRecord,
): string | undefined {
  const declaration = target.callNode.parent;
  for (const statement of imports(sourceFile)) {
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      if (session.targetOf(element.name)?.declarations?.some((each) => each === declaration))
        return element.name.text;
    }
  }
  return undefined;
}

/**
 * The actions at an offset of a file: fixes for the key diagnostics given (those the editor
 * shows there), and the rewrite of a string key into a reference.
 */
export function codeActions(
  session: AnalysisSession,
  file: string,
  offset: number,
  diagnostics: readonly ActionDiagnostic[],
): KeyAction[] {
  const actions: KeyAction[] = [];
  const sourceFile = session.analysedSourceFile(file);
  const index = session.occurrences();
  if (!sourceFile || !index) return actions;
  const text = sourceFile.text;
  const keys = [...(session.lastResult?.built.byKey.keys() ?? [])];

  diagnostics.forEach((diagnostic, fixes) => {
    if (!KEY_CODES.has(diagnostic.code)) return;
    let item: Occurrence | undefined = index.at(file, diagnostic.start);
    // A key a factory read from elsewhere (a table): the string where it is written, when there
    // is exactly one.
    if (item && !item.literal) {
      const strings = index.stringsNaming(item.key);
      item = strings.length === 1 ? strings[0] : undefined;
    }
    if (!item) return;
    const suggestion = closestKey(item.key, keys);
    if (suggestion) {
      actions.push({
        title: `Replace with "${suggestion}"`,
        kind: "quickfix",
        fixes,
        preferred: true,
        edits: [{ span: inside(item.span), newText: suggestion }],
      });
    }
    // A stub asset for the unknown key, at the end of this file.
    const local = assetName(session, sourceFile);
    const edits: SpanEdit[] = [];
    if (!local) edits.push(importEdit(sourceFile, "asset", "assetline"));
    edits.push({
      span: { file, start: text.length, end: text.length },
      newText:
        `${text.endsWith("\n") ? "" : "\n"}\nexport const ${identifierFor(item.key)} = ${local ?? "asset"}(${JSON.stringify(item.key)}, {}, async () => {\n` +
        `  throw new Error(${JSON.stringify(`${item.key}: not implemented yet`)});\n});\n`,
    });
    actions.push({ title: `Create a stub asset "${item.key}"`, kind: "quickfix", fixes, edits });
  });

  // A string key of a known, exported asset: use a reference to it instead (typed, navigable).
  const occurrence = index.at(file, offset);
  if (occurrence && occurrence.kind !== "declaration" && occurrence.literal) {
    const target = session.lastResult?.built.byKey.get(occurrence.key);
    if (target?.exportName && !target.generated) {
      const sameFile = target.call.file === file;
      const imported = sameFile ? undefined : importedNameOf(session, sourceFile, target);
      const name = imported ?? target.exportName;
      const edits: SpanEdit[] = [{ span: occurrence.span, newText: name }];
      if (!sameFile && !imported) {
        let specifier = path.relative(path.dirname(file), target.call.file).split(path.sep).join("/");
        specifier = specifier.replace(/\.(ts|tsx|mts|cts)$/, "");
        if (!specifier.startsWith(".")) specifier = `./${specifier}`;
        edits.unshift(importEdit(sourceFile, name, specifier));
      }
      actions.push({
        title: `Use a reference to \`${name}\` instead of "${occurrence.key}"`,
        kind: "refactor.rewrite",
        edits,
      });
    }
  }
  return actions;
}
