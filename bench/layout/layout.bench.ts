/**
 * Layout benchmark: our layered layout (webview/src/layout.ts) against d3-dag's fastest
 * Sugiyama configuration (longest-path layering, DFS decrossing, greedy coordinates), on the
 * same synthetic pipelines, in the same process. Target: 2,000 assets laid out well under
 * the 500 ms budget for layout + first paint.
 *
 *   npx tsx bench/layout/layout.bench.ts [sizes...]      e.g. 100 1000 2000 5000
 */
import { performance } from "node:perf_hooks";
import { graphConnect, sugiyama, layeringLongestPath, decrossDfs, coordGreedy } from "d3-dag";
import { layoutGraph, type LayoutInput } from "../../webview/src/layout";
import { syntheticPipeline } from "./synthetic";

export { syntheticPipeline };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => void, runs: number): { cold: number; median: number } {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return { cold: samples[0]!, median: median(samples) };
}

function d3dagLayout(input: LayoutInput): void {
  const dag = graphConnect()(input.edges);
  sugiyama().layering(layeringLongestPath()).decross(decrossDfs()).coord(coordGreedy()).nodeSize([200, 36])(
    dag,
  );
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
console.log(
  "assets  edges   ours cold  ours median  grouped median   d3-dag cold   ratio (d3-dag / ours, median)",
);
for (const size of sizes.length ? sizes : [100, 500, 1000, 2000, 5000]) {
  const input = syntheticPipeline(size);
  const ours = time(() => layoutGraph(input), 7);
  // As the view lays out the whole graph: clustered by group (here the key's first segment).
  const groups = new Map(input.keys.map((key) => [key, key.split("/")[0]!]));
  const grouped = time(() => layoutGraph({ ...input, groups }), 7);
  const baselineRuns = size <= 2000 ? 3 : 1;
  const baseline = time(() => d3dagLayout(input), baselineRuns);
  const ratio = (baselineRuns > 1 ? baseline.median : baseline.cold) / ours.median;
  const row = `${String(size).padStart(6)}  ${String(input.edges.length).padStart(5)}  ${ours.cold.toFixed(1).padStart(9)} ms  ${ours.median.toFixed(1).padStart(8)} ms  ${grouped.median.toFixed(1).padStart(11)} ms  ${baseline.cold.toFixed(0).padStart(9)} ms   ${ratio.toFixed(0)}x`;
  console.log(row);
}
