/**
 * The closest-match helper behind every "did you mean" of the analysis: unknown keys, unknown
 * check targets, unknown spec fields.
 */

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Edit distance, giving up (returning `limit + 1`) as soon as it must exceed `limit`. No allocation. */
export function levenshtein(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length * 2 + 1);
    rowB = new Int32Array(b.length * 2 + 1);
  }
  let previous = rowA;
  let current = rowB;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const code = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = code === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    const swap = previous;
    previous = current;
    current = swap;
  }
  return previous[b.length]!;
}

/** The known key closest to `key`, when one is close enough to be a likely typo. */
export function closestKey(key: string, keys: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(key.length / 4));
  let best: string | undefined;
  let bestDistance = limit + 1;
  const lastSegment = key.slice(key.lastIndexOf("/") + 1);
  for (const candidate of keys) {
    let distance = levenshtein(key, candidate, limit);
    // The same name under another prefix ("raw_orders" for "ingest/raw_orders").
    if (distance > limit && (candidate === lastSegment || candidate.endsWith(`/${lastSegment}`)))
      distance = limit;
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
