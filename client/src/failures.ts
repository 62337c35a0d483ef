import * as vscode from "vscode";
import type { AssetStatus } from "@assetline/core";
import { recordedFailure, type RecordedFailure } from "assetline/launch";
import type { Ctx } from "./ctx";
import { findProjects } from "./projects";

/**
 * Failures at the code: while an asset's state is "failed", a diagnostic marks the line of the
 * project's code that threw (the top stack frame inside the workspace), whichever run failed it
 * (this window's, the command line's, `assetline dev`'s). It goes once the state does, that is
 * after the next successful run. The state is the server's (`assetline/runStates`); the error
 * and its line are read from the failed run's records.
 */
export class FailureDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection("assetline-runs");
  /** Per project root: the diagnostics it contributes, by file. */
  private readonly byRoot = new Map<string, Map<string, vscode.Diagnostic[]>>();
  private readonly cache = new Map<string, RecordedFailure | null>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    let first = true;
    this.disposables.push(
      this.collection,
      ctx.runStates.onDidChange((root) => void this.refresh(root)),
      // Failures recorded before the window opened: shown once the server has read the projects.
      ctx.onDidChangeStatus((status) => {
        if (!first || status.state !== "idle") return;
        first = false;
        void findProjects().then((projects) => Promise.all(projects.map((p) => this.refresh(p.root))));
      }),
    );
  }

  /** The recorded failure behind a failed state (cached per run and asset: records never change). */
  failureOf(root: string, key: string, status: AssetStatus | undefined): RecordedFailure | undefined {
    const reason = status?.reasons?.find((r) => r.code === "failed");
    if (!reason || reason.code !== "failed") return undefined;
    const id = `${root}\n${reason.runId}\n${key}`;
    if (!this.cache.has(id)) this.cache.set(id, recordedFailure(root, reason.runId, key) ?? null);
    return this.cache.get(id) ?? undefined;
  }

  async refresh(root: string): Promise<void> {
    let states: Record<string, AssetStatus>;
    try {
      states = await this.ctx.runStates.statesFor(root);
    } catch {
      return; // no server right now: keep what is shown
    }
    const files = new Map<string, vscode.Diagnostic[]>();
    for (const [key, status] of Object.entries(states)) {
      if (status.state !== "failed") continue;
      const failure = this.failureOf(root, key, status);
      if (!failure?.location) continue;
      const line = Math.max(0, failure.location.line - 1);
      const column = Math.max(0, failure.location.column - 1);
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(line, column, line, Number.MAX_SAFE_INTEGER),
        `${key}${failure.partition === undefined ? "" : ` partition ${failure.partition}`} failed (run ${failure.runId}): ${failure.message}`,
        vscode.DiagnosticSeverity.Error,
      );
      diagnostic.source = "Assetline run";
      diagnostic.code = "asset-failed";
      const list = files.get(failure.location.file) ?? [];
      list.push(diagnostic);
      files.set(failure.location.file, list);
    }
    const previous = this.byRoot.get(root) ?? new Map<string, vscode.Diagnostic[]>();
    this.byRoot.set(root, files);
    for (const file of new Set([...previous.keys(), ...files.keys()])) {
      // A file may hold failures of several projects: set it from every root's list.
      const all = [...this.byRoot.values()].flatMap((each) => each.get(file) ?? []);
      this.collection.set(vscode.Uri.file(file), all);
    }
  }

  /** `✗ failed` lens: open the line that threw and put the error and its stack in the runs output. */
  async showFailure(root: string, key: string): Promise<void> {
    const states = await this.ctx.runStates.statesFor(root);
    const failure = this.failureOf(root, key, states[key]);
    if (!failure) {
      void vscode.window.showInformationMessage(
        `Assetline: ${key} has no recorded failure (${states[key]?.title ?? "no state"}).`,
      );
      return;
    }
    const out = this.ctx.runOutput;
    out.appendLine(
      `\n✗ ${key}${failure.partition === undefined ? "" : `[${failure.partition}]`} failed in run ${failure.runId} at ${failure.time} (${failure.reason}): ${failure.message}`,
    );
    if (failure.stack)
      out.appendLine(
        failure.stack
          .split("\n")
          .map((l) => `    ${l.trim()}`)
          .join("\n"),
      );
    out.show(true);
    if (failure.location) {
      const position = new vscode.Position(
        Math.max(0, failure.location.line - 1),
        Math.max(0, failure.location.column - 1),
      );
      await vscode.window.showTextDocument(vscode.Uri.file(failure.location.file), {
        selection: new vscode.Range(position, position),
        preview: false,
      });
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
