/**
 * Custom LSP messages between the Assetline client and language server.
 * Each namespace names its method and says which way it travels.
 */
import type { AssetGraph } from "./graph";

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
}

/** Arguments of the commands a code lens carries (`assetline.runAsset`, `assetline.showLineage`). */
export interface AssetCommandArgs {
  key: string;
  /** Absolute file URI of the pipeline project's root. */
  rootUri: string;
  /** Run these assets together (those one factory call makes); `key` is the first of them. */
  keys?: string[];
}

export const Commands = {
  runAsset: "assetline.runAsset",
  runAssetWithUpstream: "assetline.runAssetWithUpstream",
  showLineage: "assetline.showLineage",
} as const;
