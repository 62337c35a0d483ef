/**
 * LSP adapter of the code actions on asset keys (quick fixes for unknown keys, a reference
 * instead of a string key): the actions are the analysis's (`codeActions` of its `ide` layer).
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
} from "vscode-languageserver/node";
import { ide } from "@assetline/analysis";
import { changesOf, offsetAt } from "./features";
import type { Project } from "./projects";

const KINDS = { quickfix: CodeActionKind.QuickFix, "refactor.rewrite": CodeActionKind.RefactorRewrite };

export function codeActions(project: Project, file: string, params: CodeActionParams): CodeAction[] {
  const offset = offsetAt(project, file, params.range.start);
  if (offset === undefined) return [];
  // Ours only, where the analysis can place them.
  const given: { diagnostic: Diagnostic; at: ide.ActionDiagnostic }[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== "assetline") continue;
    const start = offsetAt(project, file, diagnostic.range.start);
    if (start !== undefined) given.push({ diagnostic, at: { code: String(diagnostic.code), start } });
  }
  return ide
    .codeActions(
      project.session,
      file,
      offset,
      given.map((item) => item.at),
    )
    .map((action) => {
      const result: CodeAction = {
        title: action.title,
        kind: KINDS[action.kind],
        edit: { changes: changesOf(project, action.edits) },
      };
      if (action.fixes !== undefined) result.diagnostics = [given[action.fixes]!.diagnostic];
      if (action.preferred) result.isPreferred = true;
      return result;
    });
}
