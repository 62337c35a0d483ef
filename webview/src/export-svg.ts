/**
 * Export of the drawn graph as a standalone SVG document (every node, not only the ones in
 * the viewport), with the theme's colours resolved into a <style> block. Pure: text is escaped
 * here, so keys and descriptions from user code cannot become markup.
 */
import type { AssetStatus } from "@assetline/core";
import { arrowPath, edgePath } from "./geometry";
import { NODE_HEIGHT, NODE_WIDTH, type Layout } from "./layout";
import { nodeCardFor } from "./node-card";
import { groupState } from "./status";
import type { DisplayModel } from "./view";

export interface Palette {
  background: string;
  foreground: string;
  muted: string;
  nodeFill: string;
  nodeStroke: string;
  edge: string;
  groupFill: string;
  focus: string;
  fresh: string;
  stale: string;
  running: string;
  failed: string;
  never: string;
  fontFamily: string;
}

export const DEFAULT_PALETTE: Palette = {
  background: "#ffffff",
  foreground: "#1f1f1f",
  muted: "#6e6e6e",
  nodeFill: "#f3f3f3",
  nodeStroke: "#c8c8c8",
  edge: "#999999",
  groupFill: "rgba(128,128,128,0.08)",
  focus: "#0078d4",
  fresh: "#388a34",
  stale: "#bf8803",
  running: "#1a85ff",
  failed: "#e51400",
  never: "#8a8a8a",
  fontFamily: "sans-serif",
};

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch]!,
  );
}

function css(value: string): string {
  // Colours come from the theme; refuse anything that could close the style block.
  return value.replace(/[<>{};]/g, "");
}

export function exportSvg(
  model: DisplayModel,
  layout: Layout,
  status: Record<string, AssetStatus>,
  palette: Palette = DEFAULT_PALETTE,
  now: number = Date.now(),
): string {
  const margin = 20;
  const width = Math.ceil(layout.width + 2 * margin);
  const height = Math.ceil(layout.height + 2 * margin);
  const p = Object.fromEntries(
    Object.entries(palette).map(([name, value]: [string, string]) => [name, css(value)]),
  ) as unknown as Palette;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${-margin} ${-margin} ${width} ${height}">`,
    `<style>`,
    `svg{background:${p.background};font-family:${p.fontFamily}}`,
    `.edge{fill:none;stroke:${p.edge};stroke-width:1.5px}.arrow{fill:${p.edge}}`,
    `.group-box{fill:${p.groupFill};stroke:${p.nodeStroke};stroke-dasharray:3 3}`,
    `.group-label{fill:${p.muted};font-size:13px;font-weight:600}`,
    `.node rect.card{fill:${p.nodeFill};stroke:${p.nodeStroke}}`,
    `.node .ring{fill:none;stroke:none}.node.focus .ring{stroke:${p.focus};stroke-width:2.5px}`,
    `.key{fill:${p.foreground};font-size:14px;font-weight:600}`,
    `.sub,.detail{fill:${p.muted};font-size:13px}`,
    `.state-fresh rect.card{stroke:${p.fresh}}.state-stale rect.card{stroke:${p.stale}}.state-running rect.card{stroke:${p.running}}`,
    `.state-failed rect.card,.state-check-failed rect.card{stroke:${p.failed}}.state-never rect.card{stroke:${p.never};stroke-dasharray:2 2}`,
    `.dimmed{opacity:.3}`,
    `</style>`,
  );
  for (const box of layout.groups) {
    out.push(
      `<rect class="group-box" x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="8"/>`,
      `<text class="group-label" x="${box.x + 8}" y="${box.y + 16}">${escapeXml(box.group)}</text>`,
    );
  }
  for (const [from, to] of model.edges) {
    const dim = model.lineage && !(model.lineage.has(from) && model.lineage.has(to)) ? " dimmed" : "";
    out.push(
      `<path class="edge${dim}" d="${edgePath(layout, from, to)}"/>`,
      `<path class="arrow${dim}" d="${arrowPath(layout, from, to)}"/>`,
    );
  }
  for (const node of model.nodes) {
    const position = layout.nodes.get(node.id);
    if (!position) continue;
    const state = node.kind === "group" ? groupState(node.members, status) : status[node.id]?.state;
    const classes = ["node"];
    if (node.id === model.focusId) classes.push("focus");
    if (model.lineage && !model.lineage.has(node.id)) classes.push("dimmed");
    if (state) classes.push(`state-${state}`);
    const card = nodeCardFor(node, status, now);
    const title = node.kind === "group" ? `group ${node.group ?? ""}` : node.id;
    out.push(
      `<g class="${classes.join(" ")}" transform="translate(${position.x},${position.y})">`,
      `<title>${escapeXml(node.asset?.description ? `${title}\n${node.asset.description}` : title)}</title>`,
      `<rect class="ring" x="-5" y="-5" width="${NODE_WIDTH + 10}" height="${NODE_HEIGHT + 10}" rx="10"/>`,
      `<rect class="card" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6"/>`,
      `<text class="key" x="14" y="21">${escapeXml(card.title)}</text>`,
      `<text class="detail" x="14" y="40">${escapeXml(card.detail)}</text>`,
      `<text class="sub" x="14" y="59">${escapeXml(card.stateText)}</text>`,
      `<text class="sub" x="14" y="${NODE_HEIGHT - 8}">${escapeXml([...card.kinds, card.checks?.text ?? ""].filter(Boolean).join(" · "))}</text>`,
      `</g>`,
    );
  }
  out.push(`</svg>`);
  return out.join("\n");
}

export { shorten } from "./node-card";
