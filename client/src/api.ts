/**
 * What the extension's `activate` returns. Tests in the real VS Code use it to wait on signals
 * (the server's idle state, the lineage view's renders) instead of sleeping.
 */
import type { Event } from "vscode";
import type { ServerStatusParams } from "@assetline/protocol";

export interface LineageRender {
  nodes: number;
  focus?: string;
}

export interface RunOutcome {
  status: "success" | "failure" | "cancelled";
  exitCode: number | null;
  /** The selection that was run. */
  selection: string;
}

/** The outcome of one asset check run from the Test Explorer. */
export interface CheckRunResult {
  key: string;
  check: string;
  outcome: "passed" | "failed" | "errored" | "skipped";
}

export interface AssetlineApi {
  /** The latest status the language server reported. */
  readonly status: ServerStatusParams | undefined;
  /** Fires with every status the server reports (after every re-analysis). */
  readonly onDidChangeStatus: Event<ServerStatusParams>;
  /** Resolves with the server's status as soon as it is idle (at once if it is idle now). */
  whenIdle(): Promise<ServerStatusParams>;
  /** Fires when a Test Explorer run of asset checks ends, with each check's outcome. */
  readonly onDidRunChecks: Event<CheckRunResult[]>;
  /** Resolves with the next render the lineage view reports. */
  nextLineageRender(): Promise<LineageRender>;
  /** The last render the lineage view reported, if any. */
  readonly lastLineageRender: LineageRender | undefined;
}
