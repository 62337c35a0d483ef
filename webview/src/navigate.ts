/**
 * Keyboard walking over the drawn graph: Left goes upstream, Right downstream (to the
 * neighbour closest in height), Up and Down to the previous and next node of the same layer.
 * Pure: works on the layout and the drawn edges.
 */
import type { Layout } from "./layout";

export type Step = "upstream" | "downstream" | "previous" | "next";

export function stepForKey(key: string): Step | undefined {
  switch (key) {
    case "ArrowLeft":
      return "upstream";
    case "ArrowRight":
      return "downstream";
    case "ArrowUp":
      return "previous";
    case "ArrowDown":
      return "next";
    default:
      return undefined;
  }
}

export function neighbourIds(
  edges: ReadonlyArray<readonly [string, string]>,
  id: string,
  direction: "upstream" | "downstream",
): string[] {
  const result: string[] = [];
  for (const [from, to] of edges) {
    if (direction === "upstream" && to === id) result.push(from);
    if (direction === "downstream" && from === id) result.push(to);
  }
  return result;
}

/** The id reached from `id` by one step, or undefined when there is nowhere to go. */
export function walkStep(
  layout: Layout,
  edges: ReadonlyArray<readonly [string, string]>,
  id: string,
  step: Step,
): string | undefined {
  const here = layout.nodes.get(id);
  if (!here) return undefined;
  if (step === "previous" || step === "next") {
    const row = layout.layers[here.layer] ?? [];
    return row[here.order + (step === "next" ? 1 : -1)];
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of neighbourIds(edges, id, step)) {
    const there = layout.nodes.get(candidate);
    if (!there) continue;
    const distance = Math.abs(there.y - here.y) + Math.abs(there.x - here.x) / 1000;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}
