/** Types of lineage-probe.mjs (functions evaluated in the lineage webview's document). */
export interface LineageMeasure {
  pane: { width: number; height: number };
  nodes: { key: string; inside: boolean; keyPx?: number; detailPx?: number }[];
  smallestPx?: number;
  transform?: string;
}
export interface HoverState {
  hovering: boolean;
  edges: number;
  hovered?: string;
  neighbours: string[];
  stateLine?: string;
  card: Record<string, string>;
}
export function measureLineage(): LineageMeasure;
export function hoverState(): HoverState;
