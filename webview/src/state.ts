/**
 * The state the view keeps across hide/show and reloads (vscode.setState / getState, and the
 * client's webview serializer). Restoring validates it: a state from an older build, or a
 * damaged one, falls back to defaults instead of breaking the view. Pure.
 */
import type { AssetGraph, AssetStatus } from "@assetline/core";
import type { Expansion } from "./focus";
import { mergeStatus } from "./status";
import { clampHops, type ViewMode } from "./view";

export const STATE_VERSION = 2;
export const DEFAULT_HOPS = 2;

export interface Transform {
  x: number;
  y: number;
  k: number;
}

export interface PersistedState {
  version: typeof STATE_VERSION;
  graph?: AssetGraph;
  focus?: string;
  /** The focus the client last asked for (the user may have moved `focus` since). */
  hostFocus?: string;
  /** The project the graph belongs to, as the client sent it (for the panel serializer). */
  rootUri?: string;
  /** Pinned: the view ignores the focus the editor's cursor sends. */
  pinned: boolean;
  mode: ViewMode;
  hops: number;
  expansions: Expansion[];
  collapsed: string[];
  filter: string;
  status: Record<string, AssetStatus>;
  transform?: Transform;
  legend: boolean;
}

export function initialState(): PersistedState {
  return {
    version: STATE_VERSION,
    mode: "graph",
    hops: DEFAULT_HOPS,
    expansions: [],
    collapsed: [],
    filter: "",
    status: {},
    legend: false,
    pinned: false,
  };
}

const isString = (value: unknown): value is string => typeof value === "string";
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);

function isGraph(value: unknown): value is AssetGraph {
  if (typeof value !== "object" || value === null) return false;
  const graph = value as Record<string, unknown>;
  return (
    Array.isArray(graph.assets) &&
    Array.isArray(graph.diagnostics) &&
    graph.assets.every(
      (asset: unknown) =>
        typeof asset === "object" &&
        asset !== null &&
        isString((asset as Record<string, unknown>).key) &&
        Array.isArray((asset as Record<string, unknown>).deps),
    )
  );
}

/** A persisted state from any earlier build, or undefined when there is nothing usable. */
export function restoreState(raw: unknown): PersistedState | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const saved = raw as Record<string, unknown>;
  const state = initialState();
  if (isGraph(saved.graph)) state.graph = saved.graph;
  if (isString(saved.focus) && saved.focus !== "") state.focus = saved.focus;
  if (isString(saved.hostFocus) && saved.hostFocus !== "") state.hostFocus = saved.hostFocus;
  // Version 1 had no hostFocus: its focus was the one the client asked for.
  else if (saved.version === undefined && state.focus !== undefined) state.hostFocus = state.focus;
  // Version 1 (the first build) kept only { graph, focus }: a focus meant the focus view.
  state.mode =
    saved.mode === "focus" || saved.mode === "graph" ? saved.mode : state.focus ? "focus" : "graph";
  if (isFiniteNumber(saved.hops)) state.hops = clampHops(saved.hops);
  if (Array.isArray(saved.expansions)) {
    state.expansions = saved.expansions.filter(
      (entry: unknown): entry is Expansion =>
        typeof entry === "object" &&
        entry !== null &&
        isString((entry as Record<string, unknown>).key) &&
        ((entry as Record<string, unknown>).direction === "up" ||
          (entry as Record<string, unknown>).direction === "down"),
    );
  }
  if (Array.isArray(saved.collapsed)) state.collapsed = saved.collapsed.filter(isString);
  if (isString(saved.filter)) state.filter = saved.filter;
  state.status = mergeStatus({}, saved.status);
  const transform = saved.transform as Record<string, unknown> | undefined;
  if (
    transform &&
    isFiniteNumber(transform.x) &&
    isFiniteNumber(transform.y) &&
    isFiniteNumber(transform.k) &&
    transform.k > 0
  ) {
    state.transform = { x: transform.x, y: transform.y, k: transform.k };
  }
  state.legend = saved.legend === true;
  state.pinned = saved.pinned === true;
  if (isString(saved.rootUri) && saved.rootUri !== "") state.rootUri = saved.rootUri;
  return state;
}
