/**
 * Messages between the lineage webview and the extension client. The webview never talks to
 * the language server directly. Everything the webview sends is validated by the client
 * (see `isWebviewMessage`) before it is acted on.
 */
import type { AssetGraph, AssetStatus, RunMode } from "@assetline/core";
import type { AutomationVerdict } from "./lsp";

/** What a run started from the graph includes besides the asset itself. */

/** extension -> webview */
export type HostMessage =
  /** `rootUri`: the project the graph belongs to; the webview keeps it in its saved state. */
  | { type: "graph"; graph: AssetGraph; focus?: string; rootUri?: string }
  | { type: "focus"; key: string }
  /**
   * Run states per asset key; sent on open and whenever a run changes them (partial updates
   * merge). `failures`: for each failed asset whose error has a line in the project's code,
   * where (`src/resources.ts:14`), for the card's "Go to error"; failed assets only, and the
   * whole map each time (it replaces the last).
   */
  | {
      type: "status";
      status: Record<string, AssetStatus>;
      automation?: Record<string, AutomationVerdict>;
      failures?: Record<string, string>;
    };

/** webview -> extension */
export type WebviewMessage =
  | { type: "ready" }
  | { type: "openAsset"; key: string }
  /** Open the line where the asset's latest run failed, and the error in the runs output. */
  | { type: "showFailure"; key: string }
  | { type: "runAsset"; key: string; mode?: RunMode }
  /** The filter's selection, to materialize (the host resolves it against the graph first). */
  | { type: "runSelection"; selection: string }
  /** Sent after every render; tests and the client read the count of drawn nodes. */
  | { type: "rendered"; nodes: number; focus?: string }
  /** "Export as SVG": a standalone SVG document of the drawn graph, for the client to save. */
  | { type: "exportSvg"; svg: string };

/** The largest SVG export the client accepts (characters). */
export const EXPORT_SVG_MAX = 32 * 1024 * 1024;

const ASSET_KEY_MAX = 512;

function isKey(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= ASSET_KEY_MAX;
}

/** Validates a message that claims to come from the webview. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (typeof value !== "object" || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case "ready":
      return true;
    case "rendered":
      return (
        typeof message.nodes === "number" &&
        Number.isInteger(message.nodes) &&
        message.nodes >= 0 &&
        (message.focus === undefined || isKey(message.focus))
      );
    case "openAsset":
    case "showFailure":
      return isKey(message.key);
    case "runAsset":
      return (
        isKey(message.key) &&
        (message.mode === undefined ||
          message.mode === "asset" ||
          message.mode === "upstream" ||
          message.mode === "downstream")
      );
    case "runSelection":
      return (
        typeof message.selection === "string" &&
        message.selection.trim().length > 0 &&
        message.selection.length <= 4096
      );
    case "exportSvg":
      return (
        typeof message.svg === "string" &&
        message.svg.length <= EXPORT_SVG_MAX &&
        message.svg.startsWith("<svg")
      );
    default:
      return false;
  }
}
