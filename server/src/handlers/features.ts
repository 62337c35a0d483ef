/**
 * LSP adapters of the editor features on asset keys (hover, definition, references, rename,
 * completion, symbols): positions and URIs converted to and from the analysis's offsets and
 * spans; the features themselves are the analysis's (`@assetline/analysis`, its `ide` layer).
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
import { ide, type SourceSpan } from "@assetline/analysis";
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

/** Edits of the analysed text as LSP changes, by document URI. */
export function changesOf(project: Project, edits: readonly ide.SpanEdit[]): Record<string, TextEdit[]> {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of edits) {
    (changes[pathToUri(edit.span.file)] ??= []).push({
      range: rangeOf(project, edit.span),
      newText: edit.newText,
    });
  }
  return changes;
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

export function hover(project: Project, file: string, position: Position): Hover | null {
  const offset = offsetAt(project, file, position);
  const found = offset === undefined ? undefined : ide.hover(project.session, file, offset);
  if (!found) return null;
  // The static part is the analysis's; the run state, from the run records, is added here.
  const status = statusOf(project, found.key);
  const runState = status ? [`Run state: ${status.title}${status.reason ? ` — ${status.reason}` : ""}`] : [];
  const result: Hover = { contents: { kind: MarkupKind.Markdown, value: ide.renderHover(found, runState) } };
  if (found.span) result.range = rangeOf(project, found.span);
  return result;
}

export function definition(project: Project, file: string, position: Position): Location[] | null {
  const offset = offsetAt(project, file, position);
  const spans = offset === undefined ? undefined : ide.definition(project.session, file, offset);
  return spans ? spans.map((span) => locationOf(project, span)) : null;
}

export function references(
  project: Project,
  file: string,
  position: Position,
  includeDeclaration: boolean,
): Location[] | null {
  const offset = offsetAt(project, file, position);
  const spans =
    offset === undefined ? undefined : ide.references(project.session, file, offset, includeDeclaration);
  return spans ? spans.map((span) => locationOf(project, span)) : null;
}

/** The key under the cursor when it can be renamed, or a sentence saying why not. */
export function prepareRename(
  project: Project,
  file: string,
  position: Position,
): { range: Range; placeholder: string } | string {
  const offset = offsetAt(project, file, position);
  if (offset === undefined) return "Place the cursor on an asset key to rename it.";
  const prepared = ide.prepareRename(project.session, file, offset);
  if (typeof prepared === "string") return prepared;
  return { range: rangeOf(project, prepared.span), placeholder: prepared.key };
}

export function rename(
  project: Project,
  file: string,
  position: Position,
  newName: string,
): WorkspaceEdit | { problem: string; invalid: boolean } {
  const offset = offsetAt(project, file, position);
  if (offset === undefined)
    return { problem: "Place the cursor on an asset key to rename it.", invalid: false };
  const renamed = ide.rename(project.session, file, offset, newName);
  if ("problem" in renamed) return renamed;
  return { changes: changesOf(project, renamed.edits) };
}

export function completion(project: Project, file: string, position: Position): CompletionItem[] {
  const offset = offsetAt(project, file, position);
  if (offset === undefined) return [];
  return ide.completion(project.session, file, offset).map((candidate): CompletionItem => {
    // No filterText: it would be the label anyway, and a client that sees one falls back to
    // its own word before the cursor (Neovim's stops at `/`: `"ingest/raw_c` filters on
    // `raw_c` and drops every key), where without it the client filters the text of the
    // range (the whole key typed so far) against the label.
    const item: CompletionItem = {
      label: candidate.key,
      kind: CompletionItemKind.Reference,
      textEdit: { range: rangeOf(project, candidate.replace), newText: candidate.key },
      sortText: candidate.key,
    };
    if (candidate.detail) item.detail = candidate.detail;
    if (candidate.documentation) item.documentation = candidate.documentation;
    return item;
  });
}

function symbolKind(symbol: ide.AssetSymbol): SymbolKind {
  return symbol.record.external ? SymbolKind.Interface : SymbolKind.Constant;
}

export function documentSymbols(project: Project, file: string): DocumentSymbol[] {
  return ide.documentSymbols(project.session, file).map((symbol) => {
    const result: DocumentSymbol = {
      name: symbol.key,
      kind: symbolKind(symbol),
      range: rangeOf(project, symbol.span),
      selectionRange: rangeOf(project, symbol.selection),
    };
    if (symbol.detail) result.detail = symbol.detail;
    return result;
  });
}

const MAX_WORKSPACE_SYMBOLS = 500;

export function workspaceSymbols(projects: readonly Project[], query: string): SymbolInformation[] {
  const result: SymbolInformation[] = [];
  for (const project of projects) {
    for (const symbol of ide.workspaceSymbols(
      project.session,
      query,
      MAX_WORKSPACE_SYMBOLS - result.length,
    )) {
      result.push({
        name: symbol.key,
        kind: symbolKind(symbol),
        location: locationOf(project, symbol.selection),
        containerName: symbol.container,
      });
    }
    if (result.length >= MAX_WORKSPACE_SYMBOLS) break;
  }
  return result;
}
