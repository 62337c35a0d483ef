/** Synthetic pipelines shared by the layout and render benchmarks. */
import type { LayoutInput } from "../../webview/src/layout";

/** A deterministic pseudo-random pipeline: ~30 layers deep, 1-3 upstreams, some long edges. */
export function syntheticPipeline(size: number, seed = 42): LayoutInput {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const keys = Array.from({ length: size }, (_, i) => `layer${Math.floor((i * 30) / size)}/asset_${i}`);
  const edges: Array<[string, string]> = [];
  const perLayer = Math.max(1, Math.floor(size / 30));
  for (let i = perLayer; i < size; i++) {
    const upstreams = 1 + Math.floor(random() * 3);
    for (let u = 0; u < upstreams; u++) {
      // Mostly the previous layer; one edge in five reaches further back.
      const span = random() < 0.2 ? i : perLayer * 2;
      const from = Math.max(0, i - 1 - Math.floor(random() * Math.min(span, i)));
      edges.push([keys[from]!, keys[i]!]);
    }
  }
  return { keys, edges };
}
