/**
 * The "did you mean" of everything a person types by name and the library and the editor both
 * answer (a selection's key, a config key, a spec field): one rule, so that the command line
 * and the editor suggest the same word. (The analysis's `closestKey` is the bounded variant
 * for tens of thousands of asset keys.)
 */

/** Edit distance, used to suggest the closest word for a typo. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `word`, if it is plausibly a typo of it. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    // A key given without its prefix ("raw_orders" for "ingest/raw_orders") is a strong hint.
    const tail = candidate.slice(candidate.lastIndexOf("/") + 1);
    const score = Math.min(editDistance(word, candidate), tail === word ? 1 : editDistance(word, tail) + 1);
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  if (best === undefined) return undefined;
  return bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
