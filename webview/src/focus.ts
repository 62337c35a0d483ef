/**
 * The focus view: an asset with everything up to N hops upstream and N hops downstream of it
 * (the same set as the selection `N+key+N`), plus neighbours the user expanded in place.
 */
import type { GraphIndex } from "./graph-index";

export type Direction = "up" | "down";

/** Keys within `depth` hops of `start`, walking one direction only; includes `start`. */
export function walk(
  index: GraphIndex,
  start: string,
  direction: Direction,
  depth: number,
): Map<string, number> {
  const next = direction === "up" ? index.up : index.down;
  const distance = new Map<string, number>([[start, 0]]);
  let frontier = [start];
  for (let hop = 1; hop <= depth && frontier.length > 0; hop++) {
    const following: string[] = [];
    for (const key of frontier) {
      for (const neighbour of next.get(key) ?? []) {
        if (distance.has(neighbour)) continue;
        distance.set(neighbour, hop);
        following.push(neighbour);
      }
    }
    frontier = following;
  }
  return distance;
}

export interface Expansion {
  key: string;
  direction: Direction;
}

/**
 * The keys of a focus view: `focus`, its upstream within `hops`, its downstream within `hops`,
 * and the direct neighbours of each expansion (in its direction). Unknown keys are ignored.
 */
export function focusSet(
  index: GraphIndex,
  focus: string,
  hops: number,
  expansions: readonly Expansion[] = [],
): Set<string> {
  if (!index.byKey.has(focus)) return new Set();
  const keys = new Set<string>([
    ...walk(index, focus, "up", hops).keys(),
    ...walk(index, focus, "down", hops).keys(),
  ]);
  for (const { key, direction } of expansions) {
    if (!keys.has(key)) continue;
    for (const neighbour of (direction === "up" ? index.up : index.down).get(key) ?? []) keys.add(neighbour);
  }
  return keys;
}

/** The focus asset and everything upstream and downstream of it, at any depth. */
export function lineageOf(index: GraphIndex, focus: string): Set<string> {
  if (!index.byKey.has(focus)) return new Set();
  return new Set([
    ...walk(index, focus, "up", Infinity).keys(),
    ...walk(index, focus, "down", Infinity).keys(),
  ]);
}

/** How many neighbours of `key` in each direction are not in `shown`. */
export function hiddenNeighbours(
  index: GraphIndex,
  key: string,
  shown: ReadonlySet<string>,
): { up: number; down: number } {
  let up = 0;
  let down = 0;
  for (const neighbour of index.up.get(key) ?? []) if (!shown.has(neighbour)) up++;
  for (const neighbour of index.down.get(key) ?? []) if (!shown.has(neighbour)) down++;
  return { up, down };
}
