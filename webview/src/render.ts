import * as d3 from "d3";
import type { AssetGraph, AssetNode } from "@assetline/protocol";
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Layout } from "./layout";

export interface RenderCallbacks {
  open(key: string): void;
}

/**
 * Draws the graph into `container` as SVG. Every string from user code goes through
 * d3's `.text()` (textContent), never through HTML, so keys and descriptions render as text.
 */
export function renderGraph(container: HTMLElement, graph: AssetGraph, focus: string | undefined, callbacks: RenderCallbacks): number {
  const assets = graph.assets;
  const byKey = new Map(assets.map((asset) => [asset.key, asset]));
  const edges: Array<[string, string]> = [];
  for (const asset of assets) for (const dep of asset.deps) if (byKey.has(dep)) edges.push([dep, asset.key]);
  const layout = layoutGraph({ keys: assets.map((asset) => asset.key), edges });
  const lineage = focus && byKey.has(focus) ? lineageOf(focus, assets) : undefined;

  container.replaceChildren();
  const svg = d3.select(container).append("svg").attr("class", "lineage").attr("width", "100%").attr("height", "100%");
  const viewport = svg.append("g").attr("class", "viewport");

  viewport
    .append("g")
    .attr("class", "edges")
    .selectAll("path")
    .data(edges)
    .join("path")
    .attr("class", ([from, to]) => `edge${lineage && !(lineage.has(from) && lineage.has(to)) ? " dimmed" : ""}`)
    .attr("d", ([from, to]) => edgePath(layout, from, to));

  const node = viewport
    .append("g")
    .attr("class", "nodes")
    .selectAll<SVGGElement, AssetNode>("g.node")
    .data(assets, (asset) => asset.key)
    .join("g")
    .attr("class", (asset) => nodeClass(asset, focus, lineage))
    .attr("transform", (asset) => {
      const position = layout.nodes.get(asset.key)!;
      return `translate(${position.x},${position.y})`;
    })
    .attr("tabindex", 0)
    .attr("role", "button")
    .attr("data-key", (asset) => asset.key)
    .attr("aria-label", (asset) => `Asset ${asset.key}`)
    .on("click", (_event, asset) => callbacks.open(asset.key))
    .on("keydown", (event: KeyboardEvent, asset) => {
      if (event.key === "Enter") callbacks.open(asset.key);
    });

  node.append("rect").attr("width", NODE_WIDTH).attr("height", NODE_HEIGHT).attr("rx", 6);
  node
    .append("text")
    .attr("class", "group")
    .attr("x", 10)
    .attr("y", 13)
    .text((asset) => asset.group ?? (asset.external ? "external" : ""));
  node
    .append("text")
    .attr("class", "key")
    .attr("x", 10)
    .attr("y", 28)
    .text((asset) => shorten(asset.key, 30));
  node.append("title").text((asset) => [asset.key, asset.description].filter(Boolean).join("\n"));

  const zoom = d3
    .zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.05, 2.5])
    .on("zoom", (event: d3.D3ZoomEvent<SVGSVGElement, unknown>) => viewport.attr("transform", event.transform.toString()));
  svg.call(zoom).on("dblclick.zoom", null);
  zoom.transform(svg, initialTransform(container, layout, focus));
  return assets.length;
}

function nodeClass(asset: AssetNode, focus: string | undefined, lineage: Set<string> | undefined): string {
  const classes = ["node"];
  if (asset.key === focus) classes.push("focus");
  if (lineage && !lineage.has(asset.key)) classes.push("dimmed");
  if (asset.external) classes.push("external");
  if (asset.generated) classes.push("generated");
  return classes.join(" ");
}

/** The focus asset and everything upstream and downstream of it. */
function lineageOf(focus: string, assets: AssetNode[]): Set<string> {
  const downstream = new Map<string, string[]>();
  const byKey = new Map(assets.map((asset) => [asset.key, asset]));
  for (const asset of assets) for (const dep of asset.deps) (downstream.get(dep) ?? downstream.set(dep, []).get(dep)!).push(asset.key);
  const seen = new Set<string>([focus]);
  const walk = (start: string, next: (key: string) => readonly string[]) => {
    const stack = [start];
    while (stack.length > 0) {
      for (const key of next(stack.pop()!)) {
        if (seen.has(key)) continue;
        seen.add(key);
        stack.push(key);
      }
    }
  };
  walk(focus, (key) => byKey.get(key)?.deps ?? []);
  walk(focus, (key) => downstream.get(key) ?? []);
  return seen;
}

function edgePath(layout: Layout, from: string, to: string): string {
  const a = layout.nodes.get(from)!;
  const b = layout.nodes.get(to)!;
  const x1 = a.x + NODE_WIDTH;
  const y1 = a.y + NODE_HEIGHT / 2;
  const x2 = b.x;
  const y2 = b.y + NODE_HEIGHT / 2;
  const bend = Math.max(40, (x2 - x1) / 2);
  return `M${x1},${y1}C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
}

function initialTransform(container: HTMLElement, layout: Layout, focus: string | undefined): d3.ZoomTransform {
  const width = container.clientWidth || 800;
  const height = container.clientHeight || 600;
  const margin = 24;
  const scale = Math.min(1, (width - 2 * margin) / Math.max(1, layout.width), (height - 2 * margin) / Math.max(1, layout.height));
  const focused = focus ? layout.nodes.get(focus) : undefined;
  if (focused && scale < 0.5) {
    // A big graph: keep the focus readable and centred rather than fitting everything.
    return d3.zoomIdentity.translate(width / 2 - focused.x - NODE_WIDTH / 2, height / 2 - focused.y - NODE_HEIGHT / 2);
  }
  const fitted = Math.max(scale, 0.05);
  return d3.zoomIdentity
    .translate((width - layout.width * fitted) / 2, (height - layout.height * fitted) / 2)
    .scale(fitted);
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}
