/**
 * The lineage webview's entry: messages from the client, the toolbar, and the view's state.
 * Pure modules do the work (view.ts, layout.ts, filter.ts, card.ts, export-svg.ts); render.ts
 * draws. After every render the view posts `{ type: "rendered", nodes }` with the number of
 * `svg g.node` elements drawn (the contract the client and the end-to-end tests rely on).
 */
import "./lineage.css";
import type { AssetGraph } from "@assetline/core";
import type { RunMode } from "@assetline/core";
import type { HostMessage } from "@assetline/protocol/webview";
import { cardFor } from "./card";
import { ContextMenu, HoverCard } from "./card-view";
import { button, el } from "./dom";
import { DEFAULT_PALETTE, exportSvg, type Palette } from "./export-svg";
import { vocabularyOf } from "@assetline/core";
import { applyFilter } from "./filter";
import { FilterBox } from "./filter-box";
import { indexGraph, type GraphIndex } from "./graph-index";
import { orientedLayout } from "./fit";
import type { Layout } from "./layout";
import { legendSections } from "./legend";
import { GraphView, type Placement } from "./render";
import { initialState, restoreState, type PersistedState } from "./state";
import { automationVerdicts, failureLinks, mergeStatus, type AutomationBadge } from "./status";
import { buildView, clampHops, groupsOf, type DisplayModel, type DisplayNode } from "./view";
import { vscode } from "./vscode";

const state: PersistedState = restoreState(vscode.getState()) ?? initialState();
/** What automation would request now, per asset (from the host's last status; not persisted). */
let automation: Record<string, AutomationBadge> = {};
/**
 * Where each failed asset threw ("file:line"), sent with the states it belongs to: the host
 * names failed assets only, so a key here is a failed one (not persisted).
 */
let failures: Record<string, string> = {};
let index: GraphIndex | undefined;
let selected: Set<string> | undefined;
let model: DisplayModel | undefined;
let layout: Layout | undefined;

// ---- DOM ----------------------------------------------------------------------------------

const toolbar =
  document.getElementById("toolbar") ??
  document.body.appendChild(el("div", undefined, undefined, { id: "toolbar" }));
const summary =
  document.getElementById("summary") ??
  toolbar.appendChild(el("span", undefined, undefined, { id: "summary" }));
const container =
  document.getElementById("graph") ??
  document.body.appendChild(el("div", undefined, undefined, { id: "graph" }));
summary.setAttribute("aria-live", "polite");

const modeButton = button("Whole graph", "Switch between the focus view and the whole graph", () =>
  toggleMode(),
);
const fewer = button("−", "Fewer hops around the focus", () => setHops(state.hops - 1), "tool narrow");
const hopsLabel = el("span", "hops", "2 hops", { "aria-live": "polite" });
const more = button("+", "More hops around the focus", () => setHops(state.hops + 1), "tool narrow");
const hopsGroup = el("span", "hop-controls");
hopsGroup.append(fewer, hopsLabel, more);
const filterBox = new FilterBox((text) => setFilter(text));
const search = el("input", "search", undefined, {
  type: "search",
  id: "search",
  list: "asset-keys",
  placeholder: "Go to asset…",
  "aria-label": "Go to an asset by key",
  spellcheck: "false",
});
const keyList = el("datalist", undefined, undefined, { id: "asset-keys" });
const runFilterButton = button(
  "▶ Materialize",
  "Materialize the assets the filter selects (the same selection as `assetline materialize --select`)",
  () => {
    if (state.filter.trim() !== "") vscode.postMessage({ type: "runSelection", selection: state.filter });
  },
);
runFilterButton.disabled = true;
const groupsButton = button("Collapse groups", "Collapse every group into one node, or expand them all", () =>
  toggleAllGroups(),
);
const fitButton = button(
  "Fit",
  "Fit the graph to the view, centred on the focus (never below a readable size)",
  () => view.fit(),
);
const pinButton = button("Pin", "Pin the view: stop following the asset at the editor's cursor", () =>
  togglePin(),
);
const legendButton = button("Legend", "Show or hide the legend: what every colour and mark means", () =>
  toggleLegend(),
);
const exportButton = button("Export SVG", "Export the drawn graph as an SVG file", () => exportDrawn());
const controls = el("span", "controls", undefined, {
  role: "toolbar",
  "aria-label": "Lineage view controls",
});
controls.append(
  modeButton,
  hopsGroup,
  filterBox.element,
  runFilterButton,
  search,
  keyList,
  groupsButton,
  fitButton,
  pinButton,
  legendButton,
  exportButton,
);
toolbar.insertBefore(controls, summary);

const legend = el("div", "legend hidden", undefined, {
  id: "legend",
  role: "note",
  "aria-label": "Legend",
});
for (const section of legendSections()) {
  legend.append(el("div", "legend-title", section.title));
  for (const item of section.items) {
    const row = el("div", "legend-row");
    row.append(el("span", item.swatch), el("span", "legend-label", item.label));
    legend.append(row);
  }
}
document.body.append(legend);

const card = new HoverCard(document.body);
const menu = new ContextMenu(document.body);

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let keysListed = false;
const view = new GraphView(container, {
  open: (node) => openAsset(node),
  expand: (id, directions) => expand(id, directions),
  toggleGroup: (group) => toggleGroup(group),
  hover: (node, x, y) => {
    if (!node || !index || menu.open) card.hide();
    else
      card.show(cardFor(node, index, state.status, Date.now(), automation, failures), x, y, view.litBoxes());
  },
  contextMenu: (node, x, y) => showMenu(node, x, y),
  showFailure: (node) => showFailure(node),
  resized: (width, height) => {
    if (!model || !layout) return;
    // A pane that became narrow (or wide) may read better in the other direction.
    const next = orientedLayout(layoutInput(model), { width, height });
    if (next.direction !== layout.direction) refresh({ kind: "fit" }, next);
    else view.fit();
  },
  transformChanged: (transform) => {
    // Only a camera the user placed is kept: a fitted view fits again when it is shown again
    // (a hidden webview is rebuilt), whatever size its pane has then.
    if (view.isFitted) delete state.transform;
    else state.transform = transform;
    // Zoom and pan fire every frame: save once they settle.
    clearTimeout(saveTimer);
    saveTimer = setTimeout(flush, 250);
  },
});
const cull = document.body.dataset.cull;
if (cull === "never" || cull === "always") view.cullMode = cull;

// ---- state and rendering ------------------------------------------------------------------

/** Saves the state soon, off the rendering path (VS Code serializes it, graph included). */
function save(): void {
  clearTimeout(saveTimer);
  saveTimer = undefined;
  // A small graph is cheap to serialize: save at once, so a quick hide loses nothing.
  if ((state.graph?.assets.length ?? 0) <= 500) vscode.setState(state);
  else saveTimer = setTimeout(flush, 250);
}

function flush(): void {
  clearTimeout(saveTimer);
  saveTimer = undefined;
  vscode.setState(state);
}

// A hidden webview is torn down (the client does not retain it): save what is pending first.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden" && saveTimer !== undefined) flush();
});
window.addEventListener("pagehide", () => {
  if (saveTimer !== undefined) flush();
});

function setGraph(graph: AssetGraph): void {
  state.graph = graph;
  index = indexGraph(graph);
  const vocabulary = vocabularyOf(index.assets);
  filterBox.vocabulary = vocabulary;
  // The search box's key list is filled when it is first used, not on the rendering path.
  keyList.replaceChildren();
  keysListed = false;
  // The filter is evaluated again against the new graph; an error keeps the view unfiltered.
  const result = applyFilter(state.filter, index.assets);
  selected = "selected" in result ? result.selected : undefined;
  filterBox.showError("error" in result ? result.error : undefined);
}

function layoutInput(shown: DisplayModel) {
  return { keys: shown.nodes.map((node) => node.id), edges: shown.edges, groups: groupsOf(shown) };
}

/** Builds the view model, lays it out and draws it; posts `rendered`. */
function refresh(placement: Placement, laidOut?: Layout): void {
  if (!state.graph || !index) return;
  performance.mark("assetline:view");
  model = buildView(index, {
    mode: state.mode,
    hops: state.hops,
    expansions: state.expansions,
    collapsed: state.collapsed,
    ...(state.focus !== undefined ? { focus: state.focus } : {}),
    ...(selected ? { selected } : {}),
  });
  performance.mark("assetline:layout");
  // The toolbar first: its height (it may wrap) decides the drawing area.
  updateToolbar();
  layout = laidOut ?? orientedLayout(layoutInput(model), view.paneSize());
  performance.mark("assetline:draw");
  card.hide();
  menu.hide();
  const nodes = view.render(model, layout, state.status, placement);
  performance.mark("assetline:drawn");
  save();
  rendered(nodes);
}

function rendered(nodes: number): void {
  vscode.postMessage({ type: "rendered", nodes, ...(state.focus ? { focus: state.focus } : {}) });
}

function updateToolbar(): void {
  const hasFocus = state.focus !== undefined && index?.byKey.has(state.focus) === true;
  const focusView = state.mode === "focus" && hasFocus && !selected;
  modeButton.textContent = state.mode === "focus" ? "Whole graph" : "Focus view";
  modeButton.disabled = !hasFocus;
  modeButton.setAttribute("aria-pressed", String(state.mode === "graph"));
  hopsLabel.textContent = `${state.hops} ${state.hops === 1 ? "hop" : "hops"}`;
  fewer.disabled = !focusView || state.hops <= 1;
  more.disabled = !focusView || state.hops >= 9;
  hopsGroup.classList.toggle("inactive", !focusView);
  groupsButton.textContent = state.collapsed.length > 0 ? "Expand groups" : "Collapse groups";
  legend.classList.toggle("hidden", !state.legend);
  legendButton.setAttribute("aria-pressed", String(state.legend));
  pinButton.setAttribute("aria-pressed", String(state.pinned));
  pinButton.textContent = state.pinned ? "Pinned" : "Pin";
  if (filterBox.value !== state.filter && document.activeElement !== filterBox.input)
    filterBox.value = state.filter;

  if (!model || !index || !state.graph) return;
  const parts = [
    `${model.nodes.length === index.assets.length ? "" : `${model.nodes.length} of `}${index.assets.length} assets`,
  ];
  if (selected) parts.push(`filter: ${selected.size} selected`);
  else if (focusView) parts.push(`focus ${state.focus!} ±${state.hops}`);
  else if (hasFocus) parts.push(`lineage of ${state.focus!}`);
  if (state.collapsed.length) parts.push(`${state.collapsed.length} collapsed groups`);
  const errors = state.graph.diagnostics.filter((diagnostic) => diagnostic.severity === "error").length;
  if (errors) parts.push(`${errors} errors`);
  if (model.notice) parts.push(model.notice);
  summary.textContent = parts.join(" · ");
}

function toggleMode(): void {
  state.mode = state.mode === "focus" ? "graph" : "focus";
  refresh({ kind: "fit" });
  if (model?.focusId) view.focusNode(model.focusId, true);
}

function setHops(hops: number): void {
  const next = clampHops(hops);
  if (next === state.hops) return;
  state.hops = next;
  // Expansions were made against the old neighbourhood; keep them, they only add nodes.
  refresh({ kind: "fit" });
}

function setFilter(text: string): void {
  if (!index) return;
  const result = applyFilter(text, index.assets);
  if ("error" in result) {
    // Keep showing the last valid view while the text is being fixed.
    filterBox.showError(result.error);
    return;
  }
  filterBox.showError(undefined);
  if (text === state.filter && (result.selected?.size ?? -1) === (selected?.size ?? -1)) return;
  state.filter = text;
  selected = result.selected;
  runFilterButton.disabled = text.trim() === "";
  refresh({ kind: "fit" });
}

function expand(id: string, directions: Array<"up" | "down">): void {
  const before = view.screenPosition(id);
  for (const direction of directions) {
    if (!state.expansions.some((e) => e.key === id && e.direction === direction))
      state.expansions.push({ key: id, direction });
  }
  refresh(before ? { kind: "anchor", id, screen: before } : { kind: "keep" });
  view.focusNode(id);
}

function toggleGroup(group: string): void {
  if (!group) return;
  const collapsing = !state.collapsed.includes(group);
  const anchorId = collapsing ? `group:${group}` : undefined;
  state.collapsed = collapsing
    ? [...state.collapsed, group]
    : state.collapsed.filter((name) => name !== group);
  refresh({ kind: "keep" });
  if (anchorId) view.focusNode(anchorId);
}

function toggleAllGroups(): void {
  if (!index) return;
  if (state.collapsed.length > 0) state.collapsed = [];
  else {
    const focusGroup = state.focus !== undefined ? index.byKey.get(state.focus)?.group : undefined;
    state.collapsed = [
      ...new Set(index.assets.map((asset) => asset.group).filter((group) => group !== undefined)),
    ].filter((group) => group !== focusGroup);
  }
  refresh({ kind: "fit" });
}

function togglePin(): void {
  state.pinned = !state.pinned;
  updateToolbar();
  save();
}

function toggleLegend(): void {
  state.legend = !state.legend;
  updateToolbar();
  save();
}

function openAsset(node: DisplayNode): void {
  if (node.kind === "asset") vscode.postMessage({ type: "openAsset", key: node.id });
}

function showMenu(node: DisplayNode, x: number, y: number): void {
  if (node.kind !== "asset") return;
  card.hide();
  const run = (mode: RunMode) => vscode.postMessage({ type: "runAsset", key: node.id, mode });
  const failed = failures[node.id] !== undefined;
  menu.show(
    node.id,
    {
      run,
      open: () => openAsset(node),
      ...(failed ? { showFailure: () => showFailure(node) } : {}),
    },
    x,
    y,
    !node.asset?.external,
  );
}

function showFailure(node: DisplayNode): void {
  if (node.kind === "asset") vscode.postMessage({ type: "showFailure", key: node.id });
}

function jumpTo(key: string): void {
  if (!index || !model) return;
  const trimmed = key.trim();
  if (!trimmed) return;
  const shownAs = model.idOf.get(trimmed);
  if (shownAs !== undefined) {
    view.focusNode(shownAs, true);
    view.flash(shownAs);
    return;
  }
  if (!index.byKey.has(trimmed)) {
    summary.textContent = `No asset has the key ${trimmed}.`;
    return;
  }
  // Not drawn (outside the focus view or the filter): focus on it instead.
  state.focus = trimmed;
  state.mode = "focus";
  state.expansions = [];
  refresh({ kind: "fit" });
  view.focusNode(trimmed, true);
}

search.addEventListener("focus", () => {
  if (keysListed || !index) return;
  keysListed = true;
  keyList.replaceChildren(
    ...filterBox.vocabulary.keys.map((key) => el("option", undefined, undefined, { value: key })),
  );
});
search.addEventListener("keydown", (event) => {
  if (event.key === "Enter") {
    event.preventDefault();
    jumpTo(search.value);
  }
});
search.addEventListener("change", () => {
  if (index?.byKey.has(search.value.trim())) jumpTo(search.value);
});

function palette(): Palette {
  const style = getComputedStyle(document.body);
  const pick = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const d = DEFAULT_PALETTE;
  return {
    background: pick("--vscode-editor-background", d.background),
    foreground: pick("--vscode-editor-foreground", d.foreground),
    muted: pick("--vscode-descriptionForeground", d.muted),
    nodeFill: pick("--vscode-editorWidget-background", d.nodeFill),
    nodeStroke: pick("--vscode-editorWidget-border", d.nodeStroke),
    edge: pick("--vscode-editorIndentGuide-activeBackground", d.edge),
    groupFill: d.groupFill,
    focus: pick("--vscode-focusBorder", d.focus),
    fresh: pick("--vscode-testing-iconPassed", d.fresh),
    stale: pick("--vscode-charts-yellow", d.stale),
    running: pick("--vscode-charts-blue", d.running),
    failed: pick("--vscode-testing-iconFailed", d.failed),
    never: pick("--vscode-disabledForeground", d.never),
    fontFamily: pick("--vscode-font-family", d.fontFamily),
  };
}

function exportDrawn(): void {
  if (!model || !layout) return;
  vscode.postMessage({ type: "exportSvg", svg: exportSvg(model, layout, state.status, palette()) });
}

document.addEventListener("keydown", (event) => {
  const typing = event.target instanceof HTMLInputElement;
  if (event.key === "Escape") {
    menu.hide(true);
    card.hide();
  } else if (!typing && (event.key === "/" || (event.key === "f" && (event.ctrlKey || event.metaKey)))) {
    event.preventDefault();
    filterBox.input.focus();
  }
});

// ---- messages -----------------------------------------------------------------------------

window.addEventListener("message", (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (typeof message !== "object" || message === null) return;
  if (message.type === "graph") {
    performance.mark("assetline:message");
    // The client sends the graph again after every re-analysis, with the focus it was opened
    // on: the same request keeps what the user did since (mode, local focus, expansions, camera).
    // A focus equal to the one drawn (after a reload the client sends the saved focus) is the
    // same view too; so is any focus while the view is pinned.
    const sameView =
      state.graph !== undefined &&
      (state.pinned || message.focus === state.hostFocus || message.focus === state.focus);
    if (typeof message.rootUri === "string") state.rootUri = message.rootUri;
    setGraph(message.graph);
    if (sameView) {
      refresh({ kind: "keep" });
      return;
    }
    if (message.focus) state.focus = state.hostFocus = message.focus;
    else {
      delete state.focus;
      delete state.hostFocus;
    }
    state.mode = state.focus ? "focus" : "graph";
    state.expansions = [];
    refresh({ kind: "fit" });
  } else if (message.type === "focus") {
    // The client follows the editor's cursor; a pinned view stays where the user put it.
    if (state.pinned || typeof message.key !== "string") return;
    state.focus = state.hostFocus = message.key;
    state.mode = "focus";
    state.expansions = [];
    if (state.graph) refresh({ kind: "fit" });
  } else if (message.type === "status") {
    state.status = mergeStatus(state.status, message.status);
    automation = automationVerdicts(message.automation);
    view.setAutomation(automation);
    failures = failureLinks(message.failures);
    view.setFailures(failures);
    if (!model) return;
    const nodes = view.updateStatus(state.status);
    save();
    rendered(nodes);
  }
});

if (state.graph) {
  setGraph(state.graph);
  refresh(state.transform ? { kind: "restore", transform: state.transform } : { kind: "fit" });
} else {
  updateToolbar();
}
vscode.postMessage({ type: "ready" });
