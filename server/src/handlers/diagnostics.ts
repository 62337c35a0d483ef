/**
 * Publishes a project's diagnostics: one list per file, on the smallest range the analysis
 * found, with related locations (the other duplicate, every step of a cycle).
 */
import {
  DiagnosticSeverity,
  type Connection,
  type Diagnostic,
  type DiagnosticRelatedInformation,
} from "vscode-languageserver/node";
import type { Severity } from "@assetline/protocol";
import type { RawDiagnostic } from "../analysis/index";
import { pathToUri, type Project } from "./projects";

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** Codes the editor already shows through TypeScript itself. */
const SHOWN_BY_TYPESCRIPT = new Set(["syntax-error"]);

export function toLspDiagnostic(project: Project, diagnostic: RawDiagnostic): Diagnostic {
  const session = project.session;
  const range = (file: string, start: number, end: number) => {
    const from = session.locate(file, start);
    const to = session.locate(file, end);
    return {
      start: { line: from.line - 1, character: from.column - 1 },
      end: { line: to.line - 1, character: to.column - 1 },
    };
  };
  const result: Diagnostic = {
    range: range(diagnostic.span.file, diagnostic.span.start, diagnostic.span.end),
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.code,
    source: "assetline",
    message: diagnostic.message,
  };
  if (diagnostic.related && diagnostic.related.length > 0) {
    result.relatedInformation = diagnostic.related.map((related): DiagnosticRelatedInformation => ({
      location: {
        uri: pathToUri(related.span.file),
        range: range(related.span.file, related.span.start, related.span.end),
      },
      message: related.message,
    }));
  }
  return result;
}

export class DiagnosticsPublisher {
  /** Files that received diagnostics last time, per project root (to clear them later). */
  private readonly published = new Map<string, Set<string>>();

  constructor(private readonly connection: Connection) {}

  publish(project: Project): void {
    const byFile = new Map<string, Diagnostic[]>();
    for (const diagnostic of [...(project.result?.built.diagnostics ?? []), ...project.typeDiagnostics]) {
      if (SHOWN_BY_TYPESCRIPT.has(diagnostic.code)) continue;
      const list = byFile.get(diagnostic.span.file) ?? [];
      list.push(toLspDiagnostic(project, diagnostic));
      byFile.set(diagnostic.span.file, list);
    }
    const previous = this.published.get(project.root) ?? new Set<string>();
    for (const file of previous) {
      if (!byFile.has(file)) void this.connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: [] });
    }
    for (const [file, diagnostics] of byFile) {
      void this.connection.sendDiagnostics({ uri: pathToUri(file), diagnostics });
    }
    this.published.set(project.root, new Set(byFile.keys()));
  }
}
