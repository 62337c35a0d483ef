// Render benchmark: the lineage webview bundled with esbuild, in headless Chromium (software
// rendering), on a page with the client's CSP and a stub acquireVsCodeApi. Measures, from
// posting the host message to the first frame painted after the webview's `rendered` answer:
//   - the whole graph (layout + first paint), ours (viewport culling, less detail when zoomed
//     out) against a baseline measured in the same run: the same page drawing plain full SVG;
//   - the focus view (2 hops) of an asset in the middle, posted after the graph;
//   - opening straight on a focus (a graph message with a focus, as a code lens does);
//   - panning at 100% zoom: the median frame interval while dragging (16.7 ms = 60 fps).
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

/**
 * Zooms in to 100% with wheel events, then pans by dragging for 90 frames, one mouse move per
 * animation frame; returns the median frame interval (16.7 ms = 60 fps).
 */
async function panFrame(view) {
  return view.page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const svg = document.querySelector("svg.lineage");
    const box = svg.getBoundingClientRect();
    let x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    const init = (more) => ({
      clientX: x,
      clientY: y,
      bubbles: true,
      cancelable: true,
      view: window,
      ...more,
    });
    for (let i = 0; i < 6; i++)
      svg.dispatchEvent(new WheelEvent("wheel", init({ deltaY: -500, deltaMode: 0 })));
    for (let i = 0; i < 5; i++) await frame();
    svg.dispatchEvent(new MouseEvent("mousedown", init({ button: 0 })));
    const intervals = [];
    let last = await frame();
    for (let i = 0; i < 90; i++) {
      x -= 12;
      window.dispatchEvent(new MouseEvent("mousemove", init({})));
      const now = await frame();
      intervals.push(now - last);
      last = now;
    }
    window.dispatchEvent(new MouseEvent("mouseup", init({})));
    intervals.sort((a, b) => a - b);
    return { median: intervals[45], nodes: document.querySelectorAll("svg g.node").length };
  });
}

async function measure(browser, graph, cull) {
  const whole = [];
  const focus = [];
  const opened = [];
  const pan = [];
  let panNodes = 0;
  let drawn = 0;
  let focusNodes = 0;
  const middle = graph.assets[Math.floor(graph.assets.length / 2)].key;
  for (let run = 0; run < runs; run++) {
    const view = await openWebview(browser, { cull });
    const first = await view.post({ type: "graph", graph });
    whole.push(first.paintMs);
    drawn = first.rendered.nodes;
    const panned = await panFrame(view);
    pan.push(panned.median);
    panNodes = panned.nodes;
    const focused = await view.post({ type: "focus", key: middle });
    focus.push(focused.paintMs);
    focusNodes = focused.rendered.nodes;
    if (view.errors.length) throw new Error(`the webview reported errors: ${view.errors.join("; ")}`);
    await view.close();

    const lens = await openWebview(browser, { cull });
    opened.push((await lens.post({ type: "graph", graph, focus: middle })).paintMs);
    await lens.close();
  }
  return {
    whole: median(whole),
    focus: median(focus),
    opened: median(opened),
    pan: median(pan),
    panNodes,
    drawn,
    focusNodes,
  };
}

const browser = await launch();
try {
  console.log(
    `headless Chromium, ${runs} fresh pages per figure, medians; time from the message to the first painted frame`,
  );
  console.log(
    "assets  edges  | whole graph: ours    full SVG  ratio | focus view: ours  (nodes) | open on focus: ours | pan frame at 100%: ours (nodes)  full SVG",
  );
  let failed = false;
  for (const size of sizes.length ? sizes : [2000, 5000]) {
    const input = syntheticPipeline(size);
    const graph = syntheticGraph(input);
    const ours = await measure(browser, graph, undefined);
    const baseline = await measure(browser, graph, "never");
    const ratio = baseline.whole / ours.whole;
    console.log(
      `${String(size).padStart(6)} ${String(input.edges.length).padStart(6)}  |  ${fmt(ours.whole)} ${fmt(baseline.whole)} ${ratio.toFixed(1).padStart(5)}x |  ${fmt(ours.focus)} (${String(ours.focusNodes).padStart(3)})     |  ${fmt(ours.opened)}          | ${fmt(ours.pan)} (${String(ours.panNodes).padStart(4)})  ${fmt(baseline.pan)}`,
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
