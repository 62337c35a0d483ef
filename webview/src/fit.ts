/**
 * Where the camera goes: the scale and offset that show a layout in a pane. Pure, so the
 * rules are unit-tested for a narrow and a wide pane.
 *
 * The whole drawing is fitted to the pane's width and height, never above 100% and never
 * below a scale at which node text stays readable (`MIN_READABLE_SCALE`: 14 px keys and 13 px
 * details stay 13 and 12 px on screen). When it does not fit at that scale, the view is
 * centred on the focus (or starts at the first layer) and the user pans for the rest; the
 * offset is clamped so that no empty space is shown where there is more graph to see.
 */
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Layout, type LayoutInput } from "./layout";
import type { Transform } from "./state";

export interface Pane {
  width: number;
  height: number;
}

/** Node keys are 14 px and details 13 px: at this scale they are 13 and 12 px on screen. */
export const MIN_READABLE_SCALE = 13 / 14;
export const MAX_FIT_SCALE = 1;
/** Room kept free around the drawing, in screen pixels. */
export const FIT_MARGIN = 16;

/** The scale at which a drawing of this size fits the pane (may be below readable). */
export function fitScale(size: { width: number; height: number }, pane: Pane, margin = FIT_MARGIN): number {
  const room = (available: number, needed: number) =>
    Math.max(1, available - 2 * margin) / Math.max(1, needed);
  return Math.min(MAX_FIT_SCALE, room(pane.width, size.width), room(pane.height, size.height));
}

/**
 * The transform that shows `layout` in `pane`: the whole drawing, centred, when it fits at a
 * readable scale; else the readable scale, centred on `focus` (a node id) when given, and
 * clamped to the drawing's edges.
 */
export function fitTransform(layout: Layout, pane: Pane, focus?: string, margin = FIT_MARGIN): Transform {
  const fitted = fitScale(layout, pane, margin);
  const k = Math.max(fitted, MIN_READABLE_SCALE);
  const axis = (paneSize: number, drawing: number, centre: number | undefined): number => {
    const shown = drawing * k;
    // It fits along this axis: centred.
    if (shown + 2 * margin <= paneSize) return (paneSize - shown) / 2;
    // Larger than the pane: centred on the focus (else the start), kept inside the drawing.
    const wanted = centre === undefined ? margin : paneSize / 2 - centre * k;
    const lowest = paneSize - margin - shown;
    return Math.min(margin, Math.max(lowest, wanted));
  };
  const node = focus !== undefined ? layout.nodes.get(focus) : undefined;
  return {
    x: axis(pane.width, layout.width, node ? node.x + NODE_WIDTH / 2 : undefined),
    y: axis(pane.height, layout.height, node ? node.y + NODE_HEIGHT / 2 : undefined),
    k,
  };
}

/** Above this many nodes the layout is computed once, flowing right (the cost doubles). */
export const ORIENT_LIMIT = 300;

/**
 * The direction that shows the graph larger in this pane: a tall narrow pane (the split a
 * code lens opens) usually reads better top to bottom, a wide one left to right. Ties and
 * large graphs flow right. Returns the chosen layout so it is not computed twice.
 */
export function orientedLayout(input: LayoutInput, pane: Pane): Layout {
  const right = layoutGraph({ ...input, direction: "right" });
  if (input.keys.length > ORIENT_LIMIT || pane.width <= 0 || pane.height <= 0) return right;
  const rightScale = fitScale(right, pane);
  if (rightScale >= MAX_FIT_SCALE) return right;
  const down = layoutGraph({ ...input, direction: "down" });
  return fitScale(down, pane) > rightScale * 1.05 ? down : right;
}
