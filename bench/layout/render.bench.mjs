// Render benchmark: the lineage webview bundled with esbuild, in headless Chromium (software
// rendering), on a page with the client's CSP and a stub acquireVsCodeApi. Measures, from
// posting the host message to the first frame painted after the webview's `rendered` answer:
//   - the whole graph (layout + first paint), ours (viewport culling, less detail when zoomed
//     out) against a baseline measured in the same run: the same page drawing plain full SVG;
//   - the focus view (2 hops) of an asset in the middle, posted after the graph;
//   - opening straight on a focus (a graph message with a focus, as a code lens does).
// Medians over fresh pages. Targets: whole graph < 500 ms, focus view < 50 ms.
//
//   npx tsx bench/layout/render.bench.mjs [sizes...]        default: 2000 5000
//   RUNS=7 npx tsx bench/layout/render.bench.mjs 2000
import { syntheticPipeline } from "./synthetic.ts";
import { chromiumAvailable, CHROMIUM, launch, openWebview, syntheticGraph } from "./webview-page.mjs";

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const runs = Number(process.env.RUNS ?? 5);
if (!chromiumAvailable()) {
  console.error(`Chromium was not found at ${CHROMIUM}; install it or set ASSETLINE_CHROMIUM.`);
  process.exit(2);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (ms) => `${ms.toFixed(1).padStart(7)} ms`;

async function measure(browser, graph, cull) {
  const whole = [];
  const focus = [];
  const opened = [];
  let drawn = 0;
  let focusNodes = 0;
  const middle = graph.assets[Math.floor(graph.assets.length / 2)].key;
  for (let run = 0; run < runs; run++) {
    const view = await openWebview(browser, { cull });
    const first = await view.post({ type: "graph", graph });
    whole.push(first.paintMs);
    drawn = first.rendered.nodes;
    const focused = await view.post({ type: "focus", key: middle });
    focus.push(focused.paintMs);
    focusNodes = focused.rendered.nodes;
    if (view.errors.length) throw new Error(`the webview reported errors: ${view.errors.join("; ")}`);
    await view.close();

    const lens = await openWebview(browser, { cull });
    opened.push((await lens.post({ type: "graph", graph, focus: middle })).paintMs);
    await lens.close();
  }
  return { whole: median(whole), focus: median(focus), opened: median(opened), drawn, focusNodes };
}

const browser = await launch();
try {
  console.log(
    `headless Chromium, ${runs} fresh pages per figure, medians; time from the message to the first painted frame`,
  );
  console.log(
    "assets  edges  | whole graph: ours    full SVG  ratio | focus view: ours  (nodes) | open on focus: ours",
  );
  let failed = false;
  for (const size of sizes.length ? sizes : [2000, 5000]) {
    const input = syntheticPipeline(size);
    const graph = syntheticGraph(input);
    const ours = await measure(browser, graph, undefined);
    const baseline = await measure(browser, graph, "never");
    const ratio = baseline.whole / ours.whole;
    console.log(
      `${String(size).padStart(6)} ${String(input.edges.length).padStart(6)}  |  ${fmt(ours.whole)} ${fmt(baseline.whole)} ${ratio.toFixed(1).padStart(5)}x |  ${fmt(ours.focus)} (${String(ours.focusNodes).padStart(3)})     |  ${fmt(ours.opened)}`,
    );
    if (size <= 2000 && (ours.whole >= 500 || ours.focus >= 50 || ours.opened >= 500)) failed = true;
  }
  console.log(
    failed
      ? "TARGET MISSED: 2,000 assets must paint < 500 ms and a focus view < 50 ms"
      : "targets met (whole graph < 500 ms, focus view < 50 ms at 2,000 assets)",
  );
  process.exitCode = failed ? 1 : 0;
} finally {
  await browser.close();
}
