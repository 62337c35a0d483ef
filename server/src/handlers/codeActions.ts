/**
 * Quick fixes: replace a misspelt key with the closest known one, use a reference to the
 * upstream asset instead of its string key (adding the import), create a stub for an unknown key.
 */
import path from "node:path";
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
} from "vscode-languageserver/node";
import { ts } from "ts-morph";
import { closestKey } from "@assetline/analysis";
import { offsetAt, rangeOf } from "./features";
import { pathToUri, type Project } from "./projects";

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

/** Where to insert an import: after the last import statement (line index, 0-based). */
function importLine(text: string): number {
  const lines = text.split("\n");
  let last = -1;
  lines.forEach((line, index) => {
    if (/^\s*import\s/.test(line) || (last >= 0 && index === last + 1 && /^\s*[}\w].*from\s+["']/.test(line)))
      last = index;
  });
  return last + 1;
}

/**
 * The edit that imports `name` from `specifier`: into the file's named import from that module
 * when it has one (`import { a } from "./x"` -> `import { a, name } from "./x"`), else as a new
 * import after the last one.
 */
function importEdit(file: string, text: string, name: string, specifier: string): TextEdit {
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const bare = (written: string): string =>
    written.replace(/\.(?:[cm]?[jt]s|tsx)$/, "").replace(/\/index$/, "");
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (bare(statement.moduleSpecifier.text) !== bare(specifier)) continue;
    const clause = statement.importClause;
    const bindings = clause?.namedBindings;
    if (!clause || clause.isTypeOnly || !bindings || !ts.isNamedImports(bindings)) continue;
    const last = bindings.elements[bindings.elements.length - 1];
    const at = sourceFile.getLineAndCharacterOfPosition(last ? last.end : bindings.getStart(sourceFile) + 1);
    return { range: { start: at, end: at }, newText: last ? `, ${name}` : ` ${name} ` };
  }
  const line = importLine(text);
  return {
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    newText: `import { ${name} } from "${specifier}";\n`,
  };
}

/** The local name under which the file imports `asset` from the library, if it does. */
function assetImportName(text: string): string | undefined {
  const match = /import\s*{([^}]*)}\s*from\s*["']assetline["']/.exec(text);
  if (!match) return undefined;
  for (const part of match[1]!.split(",")) {
    const [imported, local] = part.trim().split(/\s+as\s+/);
    if (imported === "asset") return (local ?? imported).trim();
  }
  return undefined;
}

export function codeActions(project: Project, file: string, params: CodeActionParams): CodeAction[] {
  const actions: CodeAction[] = [];
  const uri = pathToUri(file);
  const text = project.session.analysedText(file);
  const index = project.session.occurrences();
  if (text === undefined || !index) return actions;
  const keys = [...(project.result?.built.byKey.keys() ?? [])];

  const offset = offsetAt(project, file, params.range.start);
  const occurrence = offset === undefined ? undefined : index.at(file, offset);
  const relevant: Diagnostic[] = params.context.diagnostics.filter(
    (diagnostic) => diagnostic.source === "assetline" && KEY_CODES.has(String(diagnostic.code)),
  );

  for (const diagnostic of relevant) {
    const at = offsetAt(project, file, diagnostic.range.start);
    let item = at === undefined ? undefined : index.at(file, at);
    // A key a factory read from elsewhere (a table): the string where it is written, when there
    // is exactly one.
    if (item && !item.literal) {
      const strings = index.stringsNaming(item.key);
      item = strings.length === 1 ? strings[0] : undefined;
    }
    if (!item) continue;
    const itemUri = pathToUri(item.span.file);
    const range = rangeOf(project, item.span);
    const inner = {
      start: { ...range.start, character: range.start.character + 1 },
      end: { ...range.end, character: range.end.character - 1 },
    };
    const suggestion = closestKey(item.key, keys);
    if (suggestion) {
      actions.push({
        title: `Replace with "${suggestion}"`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: { changes: { [itemUri]: [{ range: inner, newText: suggestion }] } },
      });
    }
    // A stub asset for the unknown key, at the end of this file.
    const local = assetImportName(text);
    const edits: TextEdit[] = [];
    if (!local) edits.push(importEdit(file, text, "asset", "assetline"));
    const lines = text.split("\n");
    const endLine = lines.length - 1;
    const endCharacter = lines[endLine]!.length;
    edits.push({
      range: {
        start: { line: endLine, character: endCharacter },
        end: { line: endLine, character: endCharacter },
      },
      newText:
        `${text.endsWith("\n") ? "" : "\n"}\nexport const ${identifierFor(item.key)} = ${local ?? "asset"}(${JSON.stringify(item.key)}, {}, async () => {\n` +
        `  throw new Error(${JSON.stringify(`${item.key}: not implemented yet`)});\n});\n`,
    });
    actions.push({
      title: `Create a stub asset "${item.key}"`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [uri]: edits } },
    });
  }

  // A string key of a known, exported asset: use a reference to it instead (typed, navigable).
  if (occurrence && occurrence.kind !== "declaration" && occurrence.literal) {
    const target = project.result?.built.byKey.get(occurrence.key);
    if (target?.exportName && !target.generated) {
      const name = target.exportName;
      const edits: TextEdit[] = [{ range: rangeOf(project, occurrence.span), newText: name }];
      if (target.call.file !== file) {
        let specifier = path.relative(path.dirname(file), target.call.file).split(path.sep).join("/");
        specifier = specifier.replace(/\.(ts|tsx|mts|cts)$/, "");
        if (!specifier.startsWith(".")) specifier = `./${specifier}`;
        const alreadyImported = new RegExp(`import\\s*{[^}]*\\b${name}\\b[^}]*}\\s*from`).test(text);
        if (!alreadyImported) edits.unshift(importEdit(file, text, name, specifier));
      }
      actions.push({
        title: `Use a reference to \`${name}\` instead of "${occurrence.key}"`,
        kind: CodeActionKind.RefactorRewrite,
        edit: { changes: { [uri]: edits } },
      });
    }
  }
  return actions;
}
