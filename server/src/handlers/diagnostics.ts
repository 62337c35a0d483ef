/**
 * Publishes a project's diagnostics: one list per file, on the smallest range the analysis
 * found, with related locations (the other duplicate, every step of a cycle).
 */
import fs from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";
import {
  DiagnosticSeverity,
  type Connection,
  type Diagnostic,
  type DiagnosticRelatedInformation,
} from "vscode-languageserver/node";
import type { Severity } from "@assetline/core";
import type { RawDiagnostic } from "@assetline/analysis";
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

const CONFIG_FILE = "assetline.config.json";

/**
 * What is wrong with a project's `assetline.config.json` as JSON (the runner checks its
 * settings when a run starts); undefined when it is missing or reads as a JSON object.
 */
export function configDiagnostic(root: string): Diagnostic | undefined {
  // Read again only when the file changed (this runs after every analysis).
  const file = path.join(root, CONFIG_FILE);
  let stamp: string;
  try {
    const stat = fs.statSync(file);
    stamp = `${stat.mtimeMs}:${stat.size}`;
  } catch {
    configChecks.delete(root);
    return undefined;
  }
  const cached = configChecks.get(root);
  if (cached?.stamp === stamp) return cached.diagnostic;
  const diagnostic = checkConfig(file);
  configChecks.set(root, { stamp, diagnostic });
  return diagnostic;
}

const configChecks = new Map<string, { stamp: string; diagnostic: Diagnostic | undefined }>();

function checkConfig(file: string): Diagnostic | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  let problem: string | undefined;
  let offset = 0;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value))
      problem = `${CONFIG_FILE} must hold a JSON object, like { "definitions": "src/definitions.ts" }.`;
  } catch {
    // Where and why, from TypeScript's JSON parser (it also allows comments and trailing commas,
    // which JSON.parse, and so the runner, refuses).
    const { error } = ts.parseConfigFileTextToJson(CONFIG_FILE, text);
    offset = error?.start ?? 0;
    const why = error
      ? ts.flattenDiagnosticMessageText(error.messageText, " ")
      : "comments and trailing commas are not allowed";
    problem = `${CONFIG_FILE} is not valid JSON: ${why} Fix it, or runs of this project stop with this error.`;
  }
  if (problem === undefined) return undefined;
  const before = text.slice(0, offset).split(/\r?\n/);
  const at = { line: before.length - 1, character: before[before.length - 1]!.length };
  return {
    range: { start: at, end: at },
    severity: DiagnosticSeverity.Error,
    code: "invalid-config",
    source: "assetline",
    message: problem,
  };
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
    const config = configDiagnostic(project.root);
    project.configInvalid = config !== undefined;
    if (config) byFile.set(path.join(project.root, CONFIG_FILE), [config]);
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
