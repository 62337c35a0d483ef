/**
 * Draws a display model as SVG with d3 and keeps it interactive (zoom, pan, keyboard).
 *
 * Large graphs are culled to the viewport: only the nodes, edges and group boxes that meet the
 * visible area (plus a margin) are in the DOM, re-joined on every zoom frame. Small graphs are
 * drawn whole. Every string from user code goes through `.text()` (textContent), never HTML.
 */
import * as d3 from "d3";
import type { AssetStatus } from "@assetline/core";
import {
  arrowPath,
  edgePath,
  edgePieces,
  intersects,
  visiblePieces,
  type Box,
  type EdgePieces,
} from "./geometry";
import { fitTransform } from "./fit";
import { GROUP_PAD, NODE_HEIGHT, NODE_WIDTH, type GroupBox, type Layout } from "./layout";
import { stepForKey, walkStep } from "./navigate";
import { cardTitle, nodeCardFor } from "./node-card";
import { groupState, STATE_LABEL, type AutomationBadge } from "./status";
import { shorten } from "./export-svg";
import type { Direction } from "./focus";
import type { DisplayModel, DisplayNode } from "./view";
import type { Transform } from "./state";

export interface RenderCallbacks {
  open(node: DisplayNode): void;
  expand(id: string, directions: Direction[]): void;
  toggleGroup(group: string): void;
  hover(node: DisplayNode | undefined, x: number, y: number): void;
  contextMenu(node: DisplayNode, x: number, y: number): void;
  /** The failed node's state line was clicked: open the line that threw. */
  showFailure(node: DisplayNode): void;
  transformChanged(transform: Transform): void;
  /** The pane changed size while the view is fitted (the user has not moved it since). */
  resized(width: number, height: number): void;
}

export type Placement =
  | { kind: "fit" }
  | { kind: "keep" }
  | { kind: "restore"; transform: Transform }
  /** Keep node `id` where it is on screen (expanding in place). */
  | { kind: "anchor"; id: string; screen: [number, number] };

/** Above this many nodes, only what meets the viewport is in the DOM. */
export const CULL_THRESHOLD = 250;
/** Extra margin around the viewport, in screen pixels, drawn ahead of panning. */
const CULL_MARGIN = 300;
/**
 * Below this zoom a large graph is drawn in less detail: text is unreadable there anyway, so
 * nodes are plain cards (still `g.node` with `data-key`) and edges are merged into two paths.
 */
export const DETAIL_SCALE = 0.4;
/** Titles at least this long are measured against the card (see fitTitles). */
const LONG_TITLE = 12;
/** The automation badge ("⚡") in the card's top right corner, with its gap. */
const BADGE_WIDTH = 18;

interface Drawn {
  model: DisplayModel;
  layout: Layout;
  status: Record<string, AssetStatus>;
  cull: boolean;
  /** Edges cut into pieces, for culling (only when culling). */
  pieces: EdgePieces | undefined;
  /** Indices into model.edges by node id, for the hover highlight (built on first hover). */
  incident?: Map<string, number[]>;
}

export class GraphView {
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly viewport: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly groupLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly edgeLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly arrowLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly highlightLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly labelLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly nodeLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly zoom: d3.ZoomBehavior<SVGSVGElement, unknown>;
  private transform: d3.ZoomTransform = d3.zoomIdentity;
  private drawn: Drawn | undefined;
  private frame = 0;
  /** The area (graph units) and zoom of the last culled drawing. */
  private culledAt: { box: Box; k: number } | undefined;
  private lite = false;
  /** True while the camera is where a fit put it: a resize or a re-analysis fits again. */
  private fitted = false;
  private hovered: string | undefined;
  /** The container's size, kept by a ResizeObserver so drawing never forces a layout. */
  private width = 0;
  private height = 0;
  /** Force culling on or off (benchmarks); undefined: by size. */
  cullMode: "auto" | "always" | "never" = "auto";

  constructor(
    private readonly container: HTMLElement,
    private readonly callbacks: RenderCallbacks,
  ) {
    container.replaceChildren();
    this.svg = d3
      .select(container)
      .append("svg")
      .attr("class", "lineage")
      .attr("width", "100%")
      .attr("height", "100%");
    this.viewport = this.svg.append("g").attr("class", "viewport");
    this.groupLayer = this.viewport.append("g").attr("class", "groups");
    this.edgeLayer = this.viewport.append("g").attr("class", "edges");
    this.arrowLayer = this.viewport.append("g").attr("class", "arrows");
    // Group labels above the edges (an edge into a group's first row passes by its label).
    this.labelLayer = this.viewport.append("g").attr("class", "group-labels");
    this.highlightLayer = this.viewport.append("g").attr("class", "highlight");
    this.nodeLayer = this.viewport.append("g").attr("class", "nodes");
    this.zoom = d3
      .zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.05, 2.5])
      .on("zoom", (event: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
        this.transform = event.transform;
        // A wheel or a drag (not a fit or a restore) means the user placed the camera.
        if (event.sourceEvent) this.fitted = false;
        this.viewport.attr("transform", event.transform.toString());
        if (this.drawn?.cull) this.scheduleCull();
        this.callbacks.transformChanged({ x: event.transform.x, y: event.transform.y, k: event.transform.k });
      });
    this.svg.call(this.zoom).on("dblclick.zoom", null);
    this.listen();
    new ResizeObserver(() => {
      const width = container.clientWidth;
      const height = container.clientHeight;
      const changed = width !== this.width || height !== this.height;
      this.width = width;
      this.height = height;
      if (changed && this.fitted && this.drawn && width > 0 && height > 0)
        this.callbacks.resized(width, height);
      else if (this.drawn?.cull) this.scheduleCull();
    }).observe(container);
  }

  /** Draws a model; returns the number of `g.node` elements now in the DOM. */
  render(
    model: DisplayModel,
    layout: Layout,
    status: Record<string, AssetStatus>,
    placement: Placement,
  ): number {
    const cull =
      this.cullMode === "always" || (this.cullMode === "auto" && model.nodes.length > CULL_THRESHOLD);
    const pieces = cull ? edgePieces(layout, model.edges) : undefined;
    this.drawn = { model, layout, status, cull, pieces };
    this.hovered = undefined;
    // Measured before the drawing changes, so this forces no layout of the new nodes.
    this.width = this.container.clientWidth;
    this.height = this.container.clientHeight;
    this.place(placement);
    this.redraw();
    return this.nodeCount();
  }

  private liteAt(k: number): boolean {
    return this.drawn !== undefined && this.drawn.cull && k < DETAIL_SCALE;
  }

  /** Draws from scratch: a new model may reuse ids with other content. */
  private redraw(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.lite = this.liteAt(this.transform.k);
    this.groupLayer.node()!.replaceChildren();
    this.edgeLayer.node()!.replaceChildren();
    this.arrowLayer.node()!.replaceChildren();
    this.labelLayer.node()!.replaceChildren();
    this.highlightLayer.node()!.replaceChildren();
    this.nodeLayer.node()!.replaceChildren();
    this.nodeLayer.classed("lite", this.lite);
    this.edgeLayer.classed("lite", this.lite);
    this.draw();
  }

  /** Re-styles the drawn nodes for new run states; returns the node count. */
  /** What automation would request now, per asset (drawn as a badge on the card). */
  private automation: Readonly<Record<string, AutomationBadge>> = {};

  setAutomation(automation: Readonly<Record<string, AutomationBadge>>): void {
    this.automation = automation;
  }

  /** Where failed assets threw ("file:line"): their state line links there. */
  private failures: Readonly<Record<string, string>> = {};

  setFailures(failures: Readonly<Record<string, string>>): void {
    this.failures = failures;
  }

  updateStatus(status: Record<string, AssetStatus>): number {
    if (!this.drawn) return 0;
    this.drawn.status = status;
    this.nodeLayer.selectAll<SVGGElement, DisplayNode>("g.node").call((selection) => this.style(selection));
    // Restyling sets each node's classes afresh: mark the hovered node and its neighbours again.
    if (this.hovered !== undefined) this.highlight(this.hovered);
    return this.nodeCount();
  }

  nodeCount(): number {
    return this.nodeLayer.node()!.querySelectorAll("g.node").length;
  }

  currentTransform(): Transform {
    return { x: this.transform.x, y: this.transform.y, k: this.transform.k };
  }

  /** The on-screen boxes of the hovered node and its lit neighbours (what a hover card should not cover). */
  litBoxes(): DOMRect[] {
    return [
      ...this.svg
        .node()!
        .querySelectorAll<SVGRectElement>("g.node.hovered rect.card, g.node.neighbour rect.card"),
    ].map((rect) => rect.getBoundingClientRect());
  }

  /** Where node `id` is on screen (relative to the container), if it is laid out. */
  screenPosition(id: string): [number, number] | undefined {
    const position = this.drawn?.layout.nodes.get(id);
    if (!position) return undefined;
    return this.transform.apply([position.x, position.y]);
  }

  /** The pane's size in CSS pixels (what a fit uses). */
  paneSize(): { width: number; height: number } {
    this.width = this.container.clientWidth;
    this.height = this.container.clientHeight;
    return this.size();
  }

  /** Whether the view is fitted to the pane (the user has not moved the camera since). */
  get isFitted(): boolean {
    return this.fitted;
  }

  /** Fits the drawing to the pane, centred on the focus; resizes and re-analyses keep it fitted. */
  fit(): void {
    if (!this.drawn) return;
    this.place({ kind: "fit" });
    if (this.drawn.cull) this.draw();
  }

  /** Pans so that `id` is in view and gives it keyboard focus. */
  focusNode(id: string, center = false): boolean {
    const position = this.drawn?.layout.nodes.get(id);
    if (!position) return false;
    const { width, height } = this.size();
    const [sx, sy] = this.transform.apply([position.x, position.y]);
    const k = this.transform.k;
    const outside = sx < 0 || sy < 0 || sx + NODE_WIDTH * k > width || sy + NODE_HEIGHT * k > height;
    if (center || outside) {
      const target = d3.zoomIdentity
        .translate(
          width / 2 - (position.x + NODE_WIDTH / 2) * k,
          height / 2 - (position.y + NODE_HEIGHT / 2) * k,
        )
        .scale(k);
      this.zoom.transform(this.svg, target);
    }
    if (this.drawn?.cull) this.draw();
    const element = this.element(id);
    element?.focus({ preventScroll: true });
    return element !== undefined;
  }

  /** Briefly marks a node (after a search jump). */
  flash(id: string): void {
    const element = this.element(id);
    if (!element) return;
    element.classList.remove("flash");
    void element.getBoundingClientRect();
    element.classList.add("flash");
  }

  element(id: string): SVGGElement | undefined {
    return (
      this.nodeLayer.node()!.querySelector<SVGGElement>(`g.node[data-key="${CSS.escape(id)}"]`) ?? undefined
    );
  }

  private size(): { width: number; height: number } {
    if (!this.width || !this.height) {
      this.width = this.container.clientWidth;
      this.height = this.container.clientHeight;
    }
    return { width: this.width || 800, height: this.height || 600 };
  }

  private place(placement: Placement): void {
    const drawn = this.drawn!;
    // "keep" after a re-analysis still fits while the user has not moved the camera.
    const fit = placement.kind === "fit" || (placement.kind === "keep" && this.fitted);
    let target = this.transform;
    if (fit) {
      const t = fitTransform(drawn.layout, this.size(), drawn.model.focusId);
      target = d3.zoomIdentity.translate(t.x, t.y).scale(t.k);
    } else if (placement.kind === "restore") {
      const t = placement.transform;
      target = d3.zoomIdentity.translate(t.x, t.y).scale(t.k);
    } else if (placement.kind === "anchor") {
      const position = drawn.layout.nodes.get(placement.id);
      const k = this.transform.k;
      if (position)
        target = d3.zoomIdentity
          .translate(placement.screen[0] - position.x * k, placement.screen[1] - position.y * k)
          .scale(k);
    }
    this.transform = target;
    // Known before the zoom handler runs: it tells the page whether the camera is the user's.
    this.fitted = fit;
    // Setting the zoom's transform fires the zoom handler, which positions the viewport.
    this.zoom.transform(this.svg, target);
  }

  private scheduleCull(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      // Crossing the detail threshold redraws the nodes in the other level of detail.
      if (this.liteAt(this.transform.k) !== this.lite) this.redraw();
      // While the screen stays inside what was drawn (the margin), there is nothing to do:
      // most pan frames only move the viewport's transform.
      else if (!this.coveredBy(this.culledAt)) this.draw();
    });
  }

  /** Whether the screen (without margin) is inside the area last drawn, at about that zoom. */
  private coveredBy(drawnAt: { box: Box; k: number } | undefined): boolean {
    if (!drawnAt) return false;
    const k = this.transform.k;
    if (k / drawnAt.k > 1.25 || drawnAt.k / k > 1.25) return false;
    const { width, height } = this.size();
    const [x1, y1] = this.transform.invert([0, 0]);
    const [x2, y2] = this.transform.invert([width, height]);
    const box = drawnAt.box;
    return x1 >= box.x1 && y1 >= box.y1 && x2 <= box.x2 && y2 <= box.y2;
  }

  /** The visible area in graph coordinates, with the culling margin. */
  private visibleBox(): Box {
    const { width, height } = this.size();
    const [x1, y1] = this.transform.invert([-CULL_MARGIN, -CULL_MARGIN]);
    const [x2, y2] = this.transform.invert([width + CULL_MARGIN, height + CULL_MARGIN]);
    return { x1, y1, x2, y2 };
  }

  private draw(): void {
    const drawn = this.drawn;
    if (!drawn) return;
    const { model, layout, cull } = drawn;
    let nodes = model.nodes;
    const edges = model.edges;
    let boxes = layout.groups;
    const box = cull ? this.visibleBox() : undefined;
    this.culledAt = box ? { box, k: this.transform.k } : undefined;
    if (box) {
      nodes = nodes.filter((node) => {
        const p = layout.nodes.get(node.id);
        return (
          p !== undefined &&
          intersects(box, {
            x1: p.x - 12,
            y1: p.y - 12,
            x2: p.x + NODE_WIDTH + 12,
            y2: p.y + NODE_HEIGHT + 12,
          })
        );
      });
      boxes = boxes.filter((g) =>
        intersects(box, { x1: g.x, y1: g.y, x2: g.x + g.width, y2: g.y + g.height }),
      );
    }

    this.groupLayer
      .selectAll<SVGGElement, GroupBox>("g.group-box")
      .data(boxes, (g) => g.group)
      .join((enter) => {
        const g = enter.append("g").attr("class", "group-box");
        g.append("rect")
          .attr("x", (g) => g.x)
          .attr("y", (g) => g.y)
          .attr("width", (g) => g.width)
          .attr("height", (g) => g.height)
          .attr("rx", 8);
        return g;
      });
    this.labelLayer
      .selectAll<SVGGElement, GroupBox>("g.group-label")
      .data(boxes, (g) => g.group)
      .join((enter) => {
        const label = enter
          .append("g")
          .attr("class", "group-label")
          .attr("data-group", (g) => g.group)
          .attr("role", "button")
          .attr("aria-label", (g) => `Collapse group ${g.group}`);
        label
          .append("text")
          .attr("x", (g) => g.x + GROUP_PAD)
          .attr("y", (g) => g.y + 16)
          .text((g) => `▾ ${shorten(g.group, Math.max(8, Math.floor(g.width / 8) - 3))}`);
        label.append("title").text((g) => `Group ${g.group}: click to collapse it into one node`);
        return label;
      });

    const dimmed = ([from, to]: [string, string]) =>
      model.lineage !== undefined && !(model.lineage.has(from) && model.lineage.has(to));
    // Arrowheads: one filled path for the bright edges and one for the dimmed ones.
    const inView = (id: string) => {
      if (!box) return true;
      const p = layout.nodes.get(id);
      return (
        p !== undefined &&
        intersects(box, { x1: p.x - 12, y1: p.y - 12, x2: p.x + NODE_WIDTH, y2: p.y + NODE_HEIGHT })
      );
    };
    const brightArrows: string[] = [];
    const faintArrows: string[] = [];
    if (!this.lite)
      for (const edge of edges)
        if (inView(edge[1]))
          (dimmed(edge) ? faintArrows : brightArrows).push(arrowPath(layout, edge[0], edge[1]));
    this.arrowLayer
      .selectAll<SVGPathElement, string>("path.arrow")
      .data([brightArrows.join(""), faintArrows.join("")])
      .join("path")
      .attr("class", (_d, i) => (i === 0 ? "arrow" : "arrow dimmed"))
      .attr("d", (d) => d);
    if (drawn.pieces && box) {
      // Culled: the visible pieces of the edges, in two paths (the lineage, and dimmed edges).
      const dim = model.lineage ? (i: number) => dimmed(edges[i]!) : () => false;
      const [bright, faint] = this.lite
        ? wholeEdges(layout, edges, box, dim)
        : visiblePieces(drawn.pieces, box, dim);
      this.edgeLayer
        .selectAll<SVGPathElement, string>("path.edge")
        .data([bright, faint])
        .join("path")
        .attr("class", (_d, i) => (i === 0 ? "edge merged" : "edge merged dimmed"))
        .attr("d", (d) => d);
    } else {
      // Small graphs (and the full-SVG baseline): one path per edge.
      this.edgeLayer
        .selectAll<SVGPathElement, [string, string]>("path.edge")
        .data(edges, ([from, to]) => `${from}\u0000${to}`)
        .join((enter) =>
          enter
            .append("path")
            .attr("class", (edge) => `edge${dimmed(edge) ? " dimmed" : ""}`)
            .attr("d", ([from, to]) => edgePath(layout, from, to)),
        );
    }

    this.nodeLayer
      .selectAll<SVGGElement, DisplayNode>("g.node")
      .data(nodes, (node) => node.id)
      .join((enter) => {
        const g = enter
          .append("g")
          .attr("transform", (node) => {
            const p = layout.nodes.get(node.id)!;
            return `translate(${p.x},${p.y})`;
          })
          .attr("tabindex", 0)
          .attr("role", "button")
          .attr("data-key", (node) => node.id);
        g.filter((node) => node.kind === "group").attr("data-group", (node) => node.group ?? "");
        if (this.lite) {
          g.append("rect")
            .attr("class", "card")
            .attr("width", NODE_WIDTH)
            .attr("height", NODE_HEIGHT)
            .attr("rx", 6);
          this.style(g);
          return g;
        }
        // The focus ring sits outside the card, so the card keeps its state colours.
        g.append("rect")
          .attr("class", "ring")
          .attr("x", -5)
          .attr("y", -5)
          .attr("width", NODE_WIDTH + 10)
          .attr("height", NODE_HEIGHT + 10)
          .attr("rx", 10);
        g.append("rect")
          .attr("class", "card")
          .attr("width", NODE_WIDTH)
          .attr("height", NODE_HEIGHT)
          .attr("rx", 6);
        g.append("rect")
          .attr("class", "stripe")
          .attr("width", 5)
          .attr("height", NODE_HEIGHT - 10)
          .attr("x", 3)
          .attr("y", 5)
          .attr("rx", 2);
        g.append("text").attr("class", "key").attr("x", 14).attr("y", 21);
        g.append("text").attr("class", "detail").attr("x", 14).attr("y", 40);
        g.append("circle").attr("class", "dot").attr("cx", 18).attr("cy", 55).attr("r", 4);
        g.append("text").attr("class", "sub").attr("x", 28).attr("y", 59);
        g.append("g")
          .attr("class", "kinds")
          .attr("transform", `translate(14,${NODE_HEIGHT - 14})`);
        g.append("text")
          .attr("class", "checks")
          .attr("x", NODE_WIDTH - 8)
          .attr("y", NODE_HEIGHT - 10)
          .attr("text-anchor", "end");
        // Automation would request it now: a badge in the top right corner (empty otherwise).
        g.append("text")
          .attr("class", "auto")
          .attr("x", NODE_WIDTH - 8)
          .attr("y", 18)
          .attr("text-anchor", "end");
        // A partitioned asset's health bar along the card's bottom edge (empty otherwise).
        g.append("g")
          .attr("class", "health")
          .attr("transform", `translate(10,${NODE_HEIGHT - 4})`);
        g.append("title");
        const up = g
          .filter((node) => node.hiddenUp > 0)
          .append("g")
          .attr("class", "expand up")
          .attr("data-direction", "up")
          .attr(
            "transform",
            layout.direction === "right"
              ? `translate(0,${NODE_HEIGHT / 2})`
              : `translate(${NODE_WIDTH / 2},0)`,
          );
        const down = g
          .filter((node) => node.hiddenDown > 0)
          .append("g")
          .attr("class", "expand down")
          .attr("data-direction", "down")
          .attr(
            "transform",
            layout.direction === "right"
              ? `translate(${NODE_WIDTH},${NODE_HEIGHT / 2})`
              : `translate(${NODE_WIDTH / 2},${NODE_HEIGHT})`,
          );
        for (const button of [up, down]) {
          button.append("circle").attr("r", 9);
          button.append("text").attr("text-anchor", "middle").attr("dy", "0.35em").text("+");
        }
        up.append("title").text((node) => `Show ${node.hiddenUp} more upstream`);
        down.append("title").text((node) => `Show ${node.hiddenDown} more downstream`);
        this.style(g);
        return g;
      });
    if (this.hovered !== undefined) this.highlight(this.hovered);
  }

  /** Classes, card text and accessible name: what changes with run states. */
  private style(selection: d3.Selection<SVGGElement, DisplayNode, d3.BaseType, unknown>): void {
    const drawn = this.drawn!;
    const { model, status } = drawn;
    const stateOf = (node: DisplayNode) =>
      node.kind === "group" ? groupState(node.members, status) : status[node.id]?.state;
    selection
      .attr("class", (node) => {
        const classes = ["node", node.kind === "group" ? "group-node" : "asset-node"];
        if (node.id === model.focusId) classes.push("focus");
        if (model.lineage && !model.lineage.has(node.id)) classes.push("dimmed");
        if (node.asset?.external) classes.push("external");
        if (node.asset?.generated) classes.push("generated");
        const state = stateOf(node);
        if (state) classes.push(`state-${state}`);
        if (this.automation[node.id]?.requested) classes.push("auto-requested");
        return classes.join(" ");
      })
      .attr("aria-label", (node) => {
        const state = stateOf(node);
        const name =
          node.kind === "group"
            ? `Group ${node.group ?? ""}, ${node.members.length} assets`
            : `${node.asset?.external ? "External asset" : "Asset"} ${node.id}`;
        return state ? `${name}, ${STATE_LABEL[state]}` : name;
      });
    if (this.lite) return;
    const now = Date.now();
    const automation = this.automation;
    const failures = this.failures;
    selection.each(function (node) {
      const card = nodeCardFor(node, status, now, automation, failures);
      const g = d3.select(this);
      g.select("text.key").text(card.title);
      g.select("text.detail").text(card.detail);
      g.select("text.sub")
        .text(card.stateText)
        .classed("link", card.failure !== undefined);
      g.select("text.auto").text(card.requested?.badge ?? "");
      g.select("text.checks")
        .text(card.checks?.text ?? "")
        .attr("class", `checks${card.checks ? ` checks-${card.checks.tone}` : ""}`);
      const labels = [...card.kinds, ...(card.generated ? ["generated"] : [])];
      let x = 0;
      const kinds = g.select<SVGGElement>("g.kinds");
      kinds.selectAll("*").remove();
      for (const label of labels) {
        const width = label.length * 7 + 10;
        const pill = kinds
          .append("g")
          .attr("class", label === "generated" && card.generated ? "kind generated-mark" : "kind");
        pill.append("rect").attr("x", x).attr("y", -11).attr("width", width).attr("height", 16).attr("rx", 8);
        pill
          .append("text")
          .attr("x", x + 5)
          .attr("y", 1)
          .text(label);
        x += width + 4;
      }
      const width = NODE_WIDTH - 20;
      let offset = 0;
      g.select<SVGGElement>("g.health")
        .selectAll<SVGRectElement, { state: string; fraction: number }>("rect")
        .data(card.health?.segments ?? [])
        .join("rect")
        .attr("class", (segment) => `partition-${segment.state}`)
        .attr("x", (segment) => {
          const x = offset;
          offset += Math.max(2, segment.fraction * width);
          return x;
        })
        .attr("y", 0)
        .attr("height", 3)
        .attr("width", (segment) => Math.max(2, segment.fraction * width));
      g.select("title").text(
        [
          node.kind === "group" ? `group ${node.group ?? ""}` : node.id,
          card.detail,
          card.stateText,
          card.health ? `partitions: ${card.health.text}` : undefined,
          card.requested ? `automation would run it now: ${card.requested.reason}` : undefined,
          card.failure ? `failed at ${card.failure}` : undefined,
          card.checks?.text,
        ]
          .filter(Boolean)
          .join("\n"),
      );
    });
    this.fitTitles(selection);
  }

  /**
   * Keys in wide letters can pass the card's edge (the cut counts characters): the long ones
   * are measured in one pass (one layout) and those that do not fit are cut further.
   */
  private fitTitles(selection: d3.Selection<SVGGElement, DisplayNode, d3.BaseType, unknown>): void {
    const automation = this.automation;
    const measured: { text: SVGTextElement; node: DisplayNode; room: number }[] = [];
    selection.each(function (node) {
      const text = this.querySelector<SVGTextElement>("text.key");
      if (node.kind !== "asset" || !text || (text.textContent ?? "").length < LONG_TITLE) return;
      const room = NODE_WIDTH - 22 - (automation[node.id]?.requested ? BADGE_WIDTH : 0);
      measured.push({ text, node, room });
    });
    const widths = measured.map(({ text }) => text.getComputedTextLength());
    measured.forEach(({ text, node, room }, i) => {
      const width = widths[i]!;
      if (width <= room) return;
      const chars = (text.textContent ?? "").length;
      text.textContent = cardTitle(node.id, Math.max(4, Math.floor((chars * room) / width)));
    });
  }

  /** The node's edges drawn on top with its neighbours marked; everything else fades. */
  private highlight(id: string | undefined): void {
    const drawn = this.drawn;
    this.hovered = id;
    const svg = this.svg.node()!;
    for (const element of svg.querySelectorAll(".neighbour, .hovered"))
      element.classList.remove("neighbour", "hovered");
    if (!drawn || id === undefined || this.lite) {
      svg.classList.remove("hovering");
      this.highlightLayer.node()!.replaceChildren();
      return;
    }
    if (!drawn.incident) {
      const incident = new Map<string, number[]>();
      drawn.model.edges.forEach(([from, to], i) => {
        for (const end of [from, to]) {
          let list = incident.get(end);
          if (!list) incident.set(end, (list = []));
          list.push(i);
        }
      });
      drawn.incident = incident;
    }
    const own = drawn.incident.get(id) ?? [];
    const paths: string[] = [];
    const arrows: string[] = [];
    this.element(id)?.classList.add("hovered");
    for (const i of own) {
      const [from, to] = drawn.model.edges[i]!;
      paths.push(edgePath(drawn.layout, from, to));
      arrows.push(arrowPath(drawn.layout, from, to));
      this.element(from === id ? to : from)?.classList.add("neighbour");
    }
    this.highlightLayer
      .selectAll<SVGPathElement, string>("path")
      .data([paths.join(""), arrows.join("")])
      .join("path")
      .attr("class", (_d, i) => (i === 0 ? "edge lit" : "arrow lit"))
      .attr("d", (d) => d);
    svg.classList.add("hovering");
  }

  /** One set of listeners on the layers, not one per node. */
  private listen(): void {
    const svg = this.svg.node()!;
    const nodeOf = (target: EventTarget | null): [DisplayNode, SVGGElement] | undefined => {
      const element = (target as Element | null)?.closest?.("g.node");
      if (!element || !this.drawn) return undefined;
      const node = this.drawn.model.byId.get(element.getAttribute("data-key") ?? "");
      return node ? [node, element as SVGGElement] : undefined;
    };
    svg.addEventListener("click", (event) => {
      const target = event.target as Element | null;
      const label = target?.closest?.("g.group-label");
      if (label) {
        this.callbacks.toggleGroup(label.getAttribute("data-group") ?? "");
        return;
      }
      const hit = nodeOf(event.target);
      if (!hit) return;
      const [node] = hit;
      if (target?.closest?.("text.sub.link")) {
        event.stopPropagation();
        this.callbacks.showFailure(node);
        return;
      }
      const expand = target?.closest?.("g.expand");
      if (expand) {
        event.stopPropagation();
        this.callbacks.expand(node.id, [expand.getAttribute("data-direction") === "up" ? "up" : "down"]);
        return;
      }
      if (node.kind === "asset") this.callbacks.open(node);
      else if (node.group !== undefined) this.callbacks.toggleGroup(node.group);
    });
    svg.addEventListener("contextmenu", (event) => {
      const hit = nodeOf(event.target);
      if (!hit) return;
      event.preventDefault();
      hit[1].focus({ preventScroll: true });
      this.callbacks.contextMenu(hit[0], event.clientX, event.clientY);
    });
    svg.addEventListener("pointerover", (event) => {
      const hit = nodeOf(event.target);
      if (!hit) return;
      if (this.hovered !== hit[0].id) this.highlight(hit[0].id);
      this.callbacks.hover(hit[0], event.clientX, event.clientY);
    });
    svg.addEventListener("pointerout", (event) => {
      const from = nodeOf(event.target);
      const to = nodeOf(event.relatedTarget);
      if (from && from[1] !== to?.[1]) {
        this.highlight(undefined);
        this.callbacks.hover(undefined, 0, 0);
      }
    });
    svg.addEventListener("keydown", (event) => {
      const hit = nodeOf(event.target);
      if (!hit || !this.drawn) return;
      const [node, element] = hit;
      if (event.key === "Enter") {
        event.preventDefault();
        if (node.kind === "group" && node.group !== undefined) this.callbacks.toggleGroup(node.group);
        else this.callbacks.open(node);
        return;
      }
      if (event.key === "ContextMenu" || (event.key === "F10" && event.shiftKey)) {
        event.preventDefault();
        const box = element.getBoundingClientRect();
        this.callbacks.contextMenu(node, box.left + 12, box.bottom);
        return;
      }
      if (event.key === "+" || event.key === "=") {
        const directions: Direction[] = [];
        if (node.hiddenUp > 0) directions.push("up");
        if (node.hiddenDown > 0) directions.push("down");
        if (directions.length > 0) this.callbacks.expand(node.id, directions);
        return;
      }
      const step = stepForKey(event.key);
      if (!step) return;
      event.preventDefault();
      const next = walkStep(this.drawn.layout, this.drawn.model.edges, node.id, step);
      if (next) this.focusNode(next);
    });
    svg.addEventListener("focusin", (event) => {
      const hit = nodeOf(event.target);
      // Only keyboard focus shows the card; a click or a programmatic jump does not.
      if (!hit || !hit[1].matches(":focus-visible")) return;
      const box = hit[1].getBoundingClientRect();
      this.callbacks.hover(hit[0], box.right, box.top);
    });
    svg.addEventListener("focusout", () => this.callbacks.hover(undefined, 0, 0));
  }
}

/** Zoomed far out, whole edges (few pixels long each) whose bounding box meets the view. */
function wholeEdges(
  layout: Layout,
  edges: ReadonlyArray<[string, string]>,
  box: Box,
  dim: (edge: number) => boolean,
): [string, string] {
  const bright: string[] = [];
  const faint: string[] = [];
  edges.forEach(([from, to], i) => {
    const a = layout.nodes.get(from);
    const b = layout.nodes.get(to);
    if (!a || !b) return;
    const edgeBox = {
      x1: Math.min(a.x, b.x),
      y1: Math.min(a.y, b.y),
      x2: Math.max(a.x, b.x) + NODE_WIDTH,
      y2: Math.max(a.y, b.y) + NODE_HEIGHT,
    };
    if (intersects(box, edgeBox)) (dim(i) ? faint : bright).push(edgePath(layout, from, to));
  });
  return [bright.join(""), faint.join("")];
}
