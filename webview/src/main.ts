import "./lineage.css";
import type { AssetGraph, HostMessage } from "@assetline/protocol";
import { renderGraph } from "./render";
import { vscode } from "./vscode";

interface ViewState {
  graph: AssetGraph;
  focus?: string;
}

const container = document.getElementById("graph")!;
const summary = document.getElementById("summary")!;

function show(state: ViewState): void {
  const nodes = renderGraph(container, state.graph, state.focus, {
    open: (key) => vscode.postMessage({ type: "openAsset", key }),
  });
  const errors = state.graph.diagnostics.filter((diagnostic) => diagnostic.severity === "error").length;
  summary.textContent = `${nodes} assets${errors ? ` · ${errors} errors` : ""}${state.focus ? ` · focus ${state.focus}` : ""}`;
  vscode.setState(state);
  vscode.postMessage({ type: "rendered", nodes, ...(state.focus ? { focus: state.focus } : {}) });
}

let current = vscode.getState() as ViewState | undefined;

window.addEventListener("message", (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (message.type === "graph") {
    current = { graph: message.graph, ...(message.focus ? { focus: message.focus } : {}) };
    show(current);
  } else if (message.type === "focus" && current) {
    current = { ...current, focus: message.key };
    show(current);
  }
});

if (current) show(current);
vscode.postMessage({ type: "ready" });
