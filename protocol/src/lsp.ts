/**
 * Custom LSP messages between the Assetline client and language server.
 * Each namespace names its method, says which way it travels, and carries a typed descriptor
 * (`type`) that both sides pass to vscode-jsonrpc (`onRequest(X.type, ...)`,
 * `sendRequest(X.type, params)`), so that a parameter or result of the wrong shape is a type
 * error on either side. The webview never imports this module (see ./webview).
 */
import { NotificationType, RequestType, RequestType0 } from "vscode-jsonrpc";
import type { AssetGraph, AssetStatus } from "@assetline/core";

/** Where the server is: shown in the status bar, awaited by tests instead of sleeping. */
export type ServerState = "indexing" | "idle" | "error";

export interface ServerStatusParams {
  state: ServerState;
  /** Number of assets in the graph of every project together. */
  assets: number;
  /** Number of error diagnostics. */
  errors: number;
  message?: string;
}

/** server -> client notification, sent whenever the state or the counts change. */
export namespace ServerStatusNotification {
  export const method = "assetline/serverStatus";
  export const type = new NotificationType<ServerStatusParams>(method);
}

export interface GraphParams {
  /** A file URI inside the pipeline project; the first project when omitted. */
  uri?: string;
  /** Focus on one asset: only it and the assets within the given hops are returned. */
  focus?: string;
  upstream?: number;
  downstream?: number;
}

export interface GraphResult {
  /** Absolute file URI of the pipeline project's root; asset files are relative to it. */
  rootUri: string;
  graph: AssetGraph;
}

/** client -> server request for the graph of a project (whole or around one asset). */
export namespace GraphRequest {
  export const method = "assetline/graph";
  /** Fails (a ResponseError with a sentence to show) when there is no such project or asset. */
  export const type = new RequestType<GraphParams, GraphResult, void>(method);
}

export interface RunStatesParams {
  /** A file URI inside the pipeline project; the first project when omitted. */
  uri?: string;
}

export interface RunStatesResult {
  /** Absolute file URI of the pipeline project's root. */
  rootUri: string;
  /** ISO time the states were computed at (freshness and "… ago" depend on it). */
  at: string;
  /** Per asset key, the state `assetStatus` computes (external assets are absent). */
  states: Record<string, AssetStatus>;
}

/** client -> server request for the run state of every asset of a project, as the lens shows it. */
export namespace RunStatesRequest {
  export const method = "assetline/runStates";
  /** Fails (a ResponseError with a sentence to show) when there is no such project. */
  export const type = new RequestType<RunStatesParams, RunStatesResult, void>(method);
}

export interface ProjectState {
  /** Absolute file URI of the pipeline project's root. */
  rootUri: string;
  files: number;
  assets: number;
  errors: number;
  /** Duration of the last analysis (structural), in milliseconds. */
  lastAnalysisMs?: number;
  /** True while the type checks of the last analysis run in the background. */
  typing: boolean;
  /** Why the last analysis failed, when it did. */
  error?: string;
}

export interface ServerStateResult {
  status: ServerStatusParams;
  projects: ProjectState[];
}

/** client -> server request for the server's state and its pipeline projects (no params). */
export namespace ServerStateRequest {
  export const method = "assetline/serverState";
  export const type = new RequestType0<ServerStateResult, void>(method);
}

/** Arguments of the commands a code lens carries (`assetline.runAsset`, `assetline.showLineage`). */
export interface AssetCommandArgs {
  key: string;
  /** Absolute file URI of the pipeline project's root. */
  rootUri: string;
  /** Run these assets together (those one factory call makes); `key` is the first of them. */
  keys?: string[];
  /** A check's lens: the check of `key` to run. */
  check?: string;
}

/** The argument of a lens command when it is well formed (as the server makes it), else undefined. */
export function parseAssetCommandArgs(value: unknown): AssetCommandArgs | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { key, rootUri, keys, check } = value as Record<string, unknown>;
  if (typeof key !== "string" || key.length === 0 || typeof rootUri !== "string") return undefined;
  if (check !== undefined)
    return typeof check === "string" && check.length > 0 ? { key, rootUri, check } : undefined;
  if (keys === undefined) return { key, rootUri };
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 10_000) return undefined;
  if (!keys.every((item): item is string => typeof item === "string" && item.length > 0)) return undefined;
  return { key, rootUri, keys };
}

export const Commands = {
  runAsset: "assetline.runAsset",
  runAssetWithUpstream: "assetline.runAssetWithUpstream",
  showLineage: "assetline.showLineage",
  /** A failed asset's lens: open the line that threw, with the error and its log. */
  showFailure: "assetline.showFailure",
  /** A check's lens: run the check on the stored value (as the Test Explorer does). */
  runCheck: "assetline.runCheck",
} as const;

/** What a client may send as `initializationOptions` (every field optional). */
export interface InitializationOptions {
  /**
   * Running assets executes the workspace's code. `false`: the server refuses to run anything
   * (`workspace/executeCommand`) until told otherwise by `RunAllowedNotification`; the VS Code
   * extension sends its workspace trust. Omitted: allowed (editors without a trust model).
   */
  runAllowed?: boolean;
  /**
   * The client runs the code lens commands itself (the VS Code extension, with its own progress
   * and output): the server does not offer them through `workspace/executeCommand`.
   */
  clientRunsCommands?: boolean;
}

export interface RunAllowedParams {
  allowed: boolean;
}

/** client -> server notification: running assets became allowed, or not (a workspace was trusted). */
export namespace RunAllowedNotification {
  export const method = "assetline/runAllowed";
  export const type = new NotificationType<RunAllowedParams>(method);
}
