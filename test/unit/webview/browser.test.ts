/**
 * The lineage webview as built, in headless Chromium, on a page with the client's strict CSP
 * and a stub acquireVsCodeApi (bench/layout/webview-page.mjs). What a person does (hover,
 * right-click, type, press keys) and what the webview posts back.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { AssetGraph } from "@assetline/core";
import type { HostMessage, WebviewMessage } from "@assetline/protocol";
import { resolveSelection } from "../../../core/src/selection";
import { hoverState, measureLineage } from "../../support/lineage-probe.mjs";
import { asset, graphOf, randomGraph } from "./fixtures";

interface Page {
  click(selector: string, options?: { button?: "right" }): Promise<void>;
  hover(selector: string): Promise<void>;
  fill(selector: string, text: string): Promise<void>;
  focus(selector: string): Promise<void>;
  keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void> };
  mouse: { move(x: number, y: number): Promise<void>; wheel(dx: number, dy: number): Promise<void> };
  locator(selector: string): {
    count(): Promise<number>;
    textContent(): Promise<string | null>;
    getAttribute(name: string): Promise<string | null>;
    isVisible(): Promise<boolean>;
    click(): Promise<void>;
  };
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  waitForFunction<A>(fn: (arg: A) => unknown, arg?: A): Promise<unknown>;
}
interface View {
  page: Page;
  errors: string[];
  messages(): Promise<WebviewMessage[]>;
  violations(): Promise<string[]>;
  post(
    message: HostMessage,
  ): Promise<{ rendered: Extract<WebviewMessage, { type: "rendered" }>; ms: number; paintMs: number }>;
  state(): Promise<unknown>;
  close(): Promise<void>;
}
interface Browser {
  close(): Promise<void>;
  newPage(): Promise<Page & { close(): Promise<void> }>;
}
interface Harness {
  chromiumAvailable(): boolean;
  CHROMIUM: string;
  launch(): Promise<Browser>;
  openWebview(
    browser: Browser,
    options?: {
      cull?: "never" | "always";
      state?: unknown;
      width?: number;
      height?: number;
      bodyClass?: string;
    },
  ): Promise<View>;
  syntheticGraph(input: { keys: string[]; edges: Array<[string, string]> }): AssetGraph;
}

const harnessUrl = pathToFileURL(path.resolve(__dirname, "../../../bench/layout/webview-page.mjs")).href;
const hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';

const shop = graphOf([
  asset("ingest/raw_orders", [], {
    group: "ingest",
    owners: ["team:data-eng"],
    kinds: ["duckdb"],
    metadata: { pii: true, retention: "P30D" },
  }),
  asset("ingest/raw_customers", [], { group: "ingest" }),
  asset("transform/orders", ["ingest/raw_orders"], { group: "transform" }),
  asset("transform/customers", ["ingest/raw_customers"], { group: "transform" }),
  asset("transform/joined", ["transform/orders", "transform/customers"], {
    group: "transform",
    description: "Orders with customers.",
  }),
  asset("report/revenue", ["transform/joined"], { group: "report" }),
  asset("report/kpis", ["report/revenue"], { group: "report" }),
  asset("ml/churn", ["report/kpis"], { group: "ml" }),
  asset(`evil/${hostile}`, ["ingest/raw_orders"], { description: `Description ${hostile} <b>bold</b>` }),
]);

async function lastMessage(view: View, type: WebviewMessage["type"]): Promise<WebviewMessage | undefined> {
  return (await view.messages()).filter((m) => m.type === type).pop();
}

async function rendersAfter(
  view: View,
  action: () => Promise<void>,
): Promise<Extract<WebviewMessage, { type: "rendered" }>> {
  const before = (await view.messages()).length;
  await action();
  await view.page.waitForFunction(
    (n) =>
      (window as unknown as { __messages: Array<{ message: { type: string } }> }).__messages
        .slice(n)
        .some((e) => e.message.type === "rendered"),
    before,
  );
  const after = (await view.messages()).slice(before);
  return after
    .filter((m): m is Extract<WebviewMessage, { type: "rendered" }> => m.type === "rendered")
    .pop()!;
}

const key = (k: string) => `svg g.node[data-key="${k.replace(/["\\]/g, "\\$&")}"]`;

describe("webview in Chromium", function () {
  this.timeout(60_000);
  let harness: Harness;
  let browser: Browser;
  let view: View;

  before(async function () {
    harness = (await import(harnessUrl)) as Harness;
    if (!harness.chromiumAvailable()) {
      console.warn(
        `    Chromium not found at ${harness.CHROMIUM}; set ASSETLINE_CHROMIUM to run these tests.`,
      );
      this.skip();
    }
    browser = await harness.launch();
  });
  after(async () => browser?.close());
  beforeEach(async () => {
    view = await harness.openWebview(browser);
  });
  afterEach(async function () {
    if (!view) return;
    const violations = await view.violations();
    const errors = view.errors;
    await view.close();
    // Every test also checks that nothing broke the CSP or threw.
    if (this.currentTest?.state === "passed") {
      assert.deepEqual(violations, [], "the webview violated the content security policy");
      assert.deepEqual(errors, [], "the webview threw");
    }
  });

  it("renders the whole graph when opened without a focus, and says how many nodes it drew", async () => {
    const { rendered } = await view.post({ type: "graph", graph: shop });
    assert.equal(rendered.nodes, shop.assets.length);
    assert.equal(rendered.focus, undefined);
    assert.equal(await view.page.locator("svg g.node").count(), shop.assets.length);
  });

  it("opens on a focus as the focus view: the asset and 2 hops each way (= 2+key+2)", async () => {
    const { rendered } = await view.post({ type: "graph", graph: shop, focus: "transform/joined" });
    const expected = resolveSelection('2+key:"transform/joined"+2', shop);
    assert.equal(rendered.nodes, expected.length);
    assert.equal(rendered.focus, "transform/joined");
    assert.equal(await view.page.locator("svg g.node.focus").count(), 1);
    // Fewer hops, then the whole graph.
    const one = await rendersAfter(view, () =>
      view.page.click('button[title="Fewer hops around the focus"]'),
    );
    assert.equal(one.nodes, resolveSelection('1+key:"transform/joined"+1', shop).length);
    const whole = await rendersAfter(view, () => view.page.click("text=Whole graph"));
    assert.equal(whole.nodes, shop.assets.length);
    assert.ok(
      (await view.page.locator("svg g.node.dimmed").count()) > 0,
      "assets off the focus's lineage are not dimmed",
    );
  });

  it("expands a boundary node in place with its + button", async () => {
    const { rendered } = await view.post({ type: "graph", graph: shop, focus: "report/kpis" });
    const before = resolveSelection('2+key:"report/kpis"+2', shop);
    assert.equal(rendered.nodes, before.length);
    assert.equal(
      await view.page.locator(`${key("transform/joined")} g.expand.up`).count(),
      1,
      "no + on the boundary node",
    );
    const expanded = await rendersAfter(view, () =>
      view.page.click(`${key("transform/joined")} g.expand.up`),
    );
    assert.equal(expanded.nodes, before.length + 2);
    assert.equal(await view.page.locator(key("transform/orders")).count(), 1);
  });

  it("reads at a glance in a narrow split: every node inside, text >= 12 px, refitted on resize", async () => {
    const narrow = await harness.openWebview(browser, { width: 540, height: 820 });
    try {
      await narrow.post({ type: "graph", graph: shop, focus: "transform/joined" });
      const measure = () => narrow.page.evaluate(measureLineage);
      const first = await measure();
      assert.ok(first.nodes.length > 0);
      for (const node of first.nodes) {
        assert.ok(node.inside, `${node.key} is outside the pane`);
        assert.ok(node.detailPx! >= 12, `${node.key}'s detail text is ${node.detailPx} px on screen`);
        assert.ok(node.keyPx! >= 12, `${node.key}'s key is ${node.keyPx} px on screen`);
      }
      // Resizing refits (the user has not moved the camera).
      await narrow.page.setViewportSize({ width: 1300, height: 700 });
      await narrow.page.waitForFunction(
        (before) => document.querySelector("g.viewport")!.getAttribute("transform") !== before,
        first.transform,
      );
      for (const node of (await measure()).nodes)
        assert.ok(node.inside, `${node.key} is outside after a resize`);
      // A fitted view keeps no camera in its saved state: rebuilt (a hidden webview is), it
      // fits its pane again. A camera the user moved is kept.
      assert.equal(
        (await narrow.state()) && ((await narrow.state()) as { transform?: unknown }).transform,
        undefined,
      );
      await narrow.page.mouse.move(600, 400);
      await narrow.page.mouse.wheel(0, -200);
      // Saved once the wheel settles (the page's state is window.__state in this harness).
      await narrow.page.waitForFunction(
        () => (window as unknown as { __state?: { transform?: unknown } }).__state?.transform !== undefined,
      );
    } finally {
      await narrow.close();
    }
  });

  it("traces a node's edges and neighbours on hover, with arrowheads on every edge", async () => {
    await view.post({ type: "graph", graph: shop });
    const arrows = await view.page.evaluate(
      () => (document.querySelector("g.arrows path.arrow")?.getAttribute("d") ?? "").split("M").length - 1,
    );
    assert.equal(
      arrows,
      shop.assets.reduce((n, a) => n + a.deps.length, 0),
      "not one arrowhead per edge",
    );
    await view.page.hover(key("transform/joined"));
    const { hovered, hovering, edges, neighbours } = await view.page.evaluate(hoverState);
    const lit = { hovering, edges, neighbours };
    assert.equal(hovered, "transform/joined");
    assert.deepEqual(lit, {
      hovering: true,
      edges: 3,
      neighbours: ["report/revenue", "transform/customers", "transform/orders"],
    });
    // The hover card does not cover the node or the neighbours it has just lit.
    const covered = await view.page.evaluate(() => {
      const card = document.getElementById("hover-card")!.getBoundingClientRect();
      return [...document.querySelectorAll("g.node.hovered rect.card, g.node.neighbour rect.card")]
        .map((rect) => rect.getBoundingClientRect())
        .filter(
          (box) =>
            box.left < card.right && card.left < box.right && box.top < card.bottom && card.top < box.bottom,
        ).length;
    });
    assert.equal(covered, 0, "the hover card covers lit nodes");
    // A run state arriving while the pointer rests on the node keeps what the hover marked.
    await view.post({ type: "status", status: { "transform/joined": { state: "running" } } });
    const still = await view.page.evaluate(hoverState);
    assert.equal(still.hovered, "transform/joined", "the hovered mark after a status update");
    assert.deepEqual(still.neighbours, neighbours, "the neighbours after a status update");
    await view.page.mouse.move(1, 790);
    await view.page.waitForFunction(
      () => !document.querySelector("svg.lineage")!.classList.contains("hovering"),
    );
  });

  it("renders keys, descriptions and metadata with <script> and HTML as text", async () => {
    await view.post({ type: "graph", graph: shop });
    const evil = `evil/${hostile}`;
    assert.equal(
      await view.page.evaluate(() => document.querySelectorAll("script:not([nonce]), img, b").length),
      0,
      "markup from the graph became elements",
    );
    const text = await view.page.locator(`${key(evil)} text.key`).textContent();
    assert.ok(text && hostile.endsWith(text.slice(1)), `the key is not drawn as text: ${text}`);
    await view.page.hover(key(evil));
    const card = await view.page.locator("#hover-card").textContent();
    assert.ok(card?.includes(evil), "the hover card does not show the key as text");
    assert.ok(
      card?.includes(`Description ${hostile} <b>bold</b>`),
      "the hover card does not show the description as text",
    );
    assert.equal(
      await view.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      undefined,
      "a script from the graph ran",
    );
  });

  it("shows the hover card with owners, kinds, group and classification", async () => {
    await view.post({ type: "graph", graph: shop });
    await view.post({
      type: "status",
      status: { "ingest/raw_orders": { state: "stale", reason: "its code changed since the last run" } },
    });
    await view.page.hover(key("ingest/raw_orders"));
    assert.ok(await view.page.locator("#hover-card").isVisible());
    const card = (await view.page.locator("#hover-card").textContent()) ?? "";
    for (const part of [
      "team:data-eng",
      "duckdb",
      "ingest",
      "pii",
      "P30D",
      "its code changed since the last run",
      "0 upstream, 2 downstream",
    ]) {
      assert.ok(card.includes(part), `the card lacks ${part}: ${card}`);
    }
  });

  it("draws run states from status messages, merging partial updates", async () => {
    await view.post({ type: "graph", graph: shop });
    const after = await view.post({
      type: "status",
      status: {
        "ingest/raw_orders": { state: "running" },
        "transform/orders": { state: "failed" },
        "report/kpis": { state: "check-failed" },
      },
    });
    assert.equal(after.rendered.nodes, shop.assets.length);
    await view.post({ type: "status", status: { "ingest/raw_orders": { state: "fresh" } } });
    const classes: Record<string, string> = await view.page.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll("svg g.node")].map((g) => [
          g.getAttribute("data-key") ?? "",
          g.getAttribute("class") ?? "",
        ]),
      ),
    );
    assert.match(classes["ingest/raw_orders"] ?? "", /state-fresh/);
    assert.match(classes["transform/orders"] ?? "", /state-failed/);
    assert.match(classes["report/kpis"] ?? "", /state-check-failed/);
    assert.doesNotMatch(classes["report/revenue"] ?? "", /state-/);
    assert.match(
      (await view.page.locator(`${key("transform/orders")} text.sub`).textContent()) ?? "",
      /failed/,
    );
  });

  it("links a failed asset's card to the line that threw: its state line, hover card and menu", async () => {
    await view.post({ type: "graph", graph: shop });
    await view.post({
      type: "status",
      status: { "transform/orders": { state: "failed", title: "✗ failed (1 min ago)" } },
      // The host names failed assets only (protocol: HostMessage "status").
      failures: { "transform/orders": "src/transform.ts:12" },
    });
    const line = view.page.locator(`${key("transform/orders")} text.sub`);
    assert.equal(await line.textContent(), "failed · go to error");
    assert.match((await line.getAttribute("class")) ?? "", /\blink\b/);
    // An asset the host gave no failure line links nothing.
    assert.doesNotMatch(
      (await view.page.locator(`${key("report/kpis")} text.sub`).getAttribute("class")) ?? "",
      /link/,
    );
    await view.page.hover(key("transform/orders"));
    const card = (await view.page.locator("#hover-card").textContent()) ?? "";
    assert.match(card, /threw at\s*src\/transform\.ts:12/);
    await line.click();
    assert.deepEqual(await lastMessage(view, "showFailure"), {
      type: "showFailure",
      key: "transform/orders",
    });
    await view.page.click(key("report/kpis"), { button: "right" });
    assert.equal(await view.page.locator("#context-menu >> text=Go to error").count(), 0);
    await view.page.keyboard.press("Escape");
    await view.page.click(key("transform/orders"), { button: "right" });
    await view.page.click("#context-menu >> text=Go to error");
    assert.deepEqual(await lastMessage(view, "showFailure"), {
      type: "showFailure",
      key: "transform/orders",
    });
  });

  it("runs an asset with its upstream from the context menu", async () => {
    await view.post({ type: "graph", graph: shop });
    await view.page.click(key("transform/joined"), { button: "right" });
    assert.ok(await view.page.locator("#context-menu").isVisible());
    await view.page.click("#context-menu >> text=Run with upstream");
    assert.deepEqual(await lastMessage(view, "runAsset"), {
      type: "runAsset",
      key: "transform/joined",
      mode: "upstream",
    });
    await view.page.click(key("report/kpis"), { button: "right" });
    await view.page.click("#context-menu >> text=Open definition");
    assert.deepEqual(await lastMessage(view, "openAsset"), { type: "openAsset", key: "report/kpis" });
  });

  it("opens the context menu from the keyboard and runs with downstream", async () => {
    await view.post({ type: "graph", graph: shop });
    await view.page.focus(key("transform/orders"));
    await view.page.keyboard.press("Shift+F10");
    assert.ok(await view.page.locator("#context-menu").isVisible());
    // The first enabled item has focus: walk down to "Run with downstream".
    await view.page.keyboard.press("ArrowDown");
    await view.page.keyboard.press("ArrowDown");
    await view.page.keyboard.press("Enter");
    assert.deepEqual(await lastMessage(view, "runAsset"), {
      type: "runAsset",
      key: "transform/orders",
      mode: "downstream",
    });
    assert.ok(!(await view.page.locator("#context-menu").isVisible()));
    assert.equal(
      await view.page.evaluate(() => document.activeElement?.getAttribute("data-key")),
      "transform/orders",
      "focus did not return to the node",
    );
  });

  it("walks the graph with the arrow keys and opens with Enter", async () => {
    await view.post({ type: "graph", graph: shop });
    await view.page.focus(key("report/revenue"));
    const active = () => view.page.evaluate(() => document.activeElement?.getAttribute("data-key"));
    await view.page.keyboard.press("ArrowLeft");
    assert.equal(await active(), "transform/joined");
    await view.page.keyboard.press("ArrowRight");
    assert.equal(await active(), "report/revenue");
    await view.page.keyboard.press("ArrowRight");
    assert.equal(await active(), "report/kpis");
    await view.page.keyboard.press("Enter");
    assert.deepEqual(await lastMessage(view, "openAsset"), { type: "openAsset", key: "report/kpis" });
  });

  it("filters with the selection language and shows an error at its column", async () => {
    await view.post({ type: "graph", graph: shop });
    const filtered = await rendersAfter(view, () => view.page.fill("#filter", "group:report or group:ml"));
    assert.equal(filtered.nodes, 3);
    await view.page.fill("#filter", "group:report or (kind:duckdb");
    await view.page.waitForFunction(
      () => !document.getElementById("filter-error")?.classList.contains("hidden"),
    );
    const error = (await view.page.locator("#filter-error").textContent()) ?? "";
    assert.match(error, /Column 17:/);
    assert.ok(
      error.startsWith(" ".repeat(16) + "^"),
      `the caret is not under column 17: ${JSON.stringify(error)}`,
    );
    assert.equal(await view.page.locator("svg g.node").count(), 3, "an invalid filter changed the view");
  });

  it("completes group: values in the filter box", async () => {
    await view.post({ type: "graph", graph: shop });
    await view.page.focus("#filter");
    await view.page.keyboard.type("group:tr");
    await view.page.waitForFunction(() => document.querySelectorAll("#filter-completions li").length > 0);
    assert.equal(await view.page.locator("#filter-completions li").textContent(), "transformgroup");
    const rendered = await rendersAfter(view, () => view.page.keyboard.press("Enter"));
    assert.equal(
      await view.page.evaluate(() => (document.getElementById("filter") as HTMLInputElement).value),
      "group:transform",
    );
    assert.equal(rendered.nodes, 3);
  });

  it("collapses a group into one node and back", async () => {
    await view.post({ type: "graph", graph: shop });
    const collapsed = await rendersAfter(view, () =>
      view.page.click('g.group-label[data-group="transform"]'),
    );
    assert.equal(collapsed.nodes, shop.assets.length - 3 + 1);
    assert.equal(await view.page.locator('svg g.node[data-key="group:transform"]').count(), 1);
    const expanded = await rendersAfter(view, async () => {
      await view.page.focus('svg g.node[data-key="group:transform"]');
      await view.page.keyboard.press("Enter");
    });
    assert.equal(expanded.nodes, shop.assets.length);
  });

  it("jumps to an asset from the search box, focusing it when it is not drawn", async () => {
    await view.post({ type: "graph", graph: shop, focus: "ml/churn" });
    await view.page.fill("#search", "ingest/raw_customers");
    const rendered = await rendersAfter(view, () => view.page.keyboard.press("Enter"));
    assert.equal(rendered.focus, "ingest/raw_customers");
    assert.equal(
      await view.page.evaluate(() => document.activeElement?.getAttribute("data-key")),
      "ingest/raw_customers",
    );
  });

  it("keeps what the user did across a re-analysis, and starts over on a new focus from the client", async () => {
    await view.post({ type: "graph", graph: shop, focus: "ml/churn" });
    await view.page.fill("#search", "ingest/raw_customers");
    await rendersAfter(view, () => view.page.keyboard.press("Enter"));
    // The client re-sends the graph after every analysis, with the focus it opened the view on.
    const again = await view.post({ type: "graph", graph: shop, focus: "ml/churn" });
    assert.equal(again.rendered.focus, "ingest/raw_customers");
    assert.equal(again.rendered.nodes, resolveSelection('2+key:"ingest/raw_customers"+2', shop).length);
    const other = await view.post({ type: "graph", graph: shop, focus: "report/kpis" });
    assert.equal(other.rendered.focus, "report/kpis");
    assert.equal(other.rendered.nodes, resolveSelection('2+key:"report/kpis"+2', shop).length);
    const focusMessage = await view.post({ type: "focus", key: "transform/orders" });
    assert.equal(focusMessage.rendered.nodes, resolveSelection('2+key:"transform/orders"+2', shop).length);
  });

  it("follows the focus the client sends unless pinned, and keeps the project's root in its state", async () => {
    await view.post({ type: "graph", graph: shop, focus: "ml/churn", rootUri: "file:///work/shop" });
    const followed = await view.post({ type: "focus", key: "transform/orders" });
    assert.equal(followed.rendered.focus, "transform/orders");
    await view.page.click("text=Pin");
    const before = (await view.messages()).length;
    await view.page.evaluate(() => window.postMessage({ type: "focus", key: "report/kpis" }, "*"));
    // A refresh carrying the cursor's focus is ignored too while pinned.
    const refreshed = await view.post({
      type: "graph",
      graph: shop,
      focus: "report/kpis",
      rootUri: "file:///work/shop",
    });
    assert.equal(refreshed.rendered.focus, "transform/orders");
    assert.equal(
      (await view.messages()).slice(before).filter((m) => m.type === "rendered").length,
      1,
      "the pinned view rendered for a focus message",
    );
    await view.page.waitForFunction(
      () => (window as unknown as { __state?: { pinned?: boolean } }).__state?.pinned === true,
    );
    const saved = (await view.state()) as { rootUri?: string; focus?: string; pinned?: boolean };
    assert.deepEqual(
      [saved.rootUri, saved.focus, saved.pinned],
      ["file:///work/shop", "transform/orders", true],
    );
  });

  it("exports the graph as a standalone SVG through an exportSvg message", async () => {
    await view.post({ type: "graph", graph: shop });
    await view.page.click("text=Export SVG");
    const message = await lastMessage(view, "exportSvg");
    assert.ok(message?.type === "exportSvg");
    // Parsed on a blank page: the export's <style> block is not the webview's concern.
    const blank = await browser.newPage();
    const parsed = await blank.evaluate((svg) => {
      const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
      return {
        error: doc.querySelector("parsererror")?.textContent ?? null,
        nodes: doc.querySelectorAll("g.node").length,
        scripts: doc.querySelectorAll("script, img, b").length,
        texts: [...doc.querySelectorAll("title")].map((t) => t.textContent ?? ""),
      };
    }, message.svg);
    await blank.close();
    assert.equal(parsed.error, null, "the exported SVG is not well-formed XML");
    assert.equal(parsed.nodes, shop.assets.length);
    assert.equal(parsed.scripts, 0, "markup from the graph became elements in the export");
    assert.ok(parsed.texts.some((t) => t.includes(`evil/${hostile}`)));
  });

  it("draws readable text on the cards in light, dark and high-contrast themes", async () => {
    for (const bodyClass of ["vscode-light", "vscode-dark", "vscode-high-contrast"]) {
      const themed = await harness.openWebview(browser, { bodyClass });
      try {
        await themed.post({ type: "graph", graph: shop, focus: "transform/joined" });
        const colours = await themed.page.evaluate(() =>
          [...document.querySelectorAll("svg g.node")].map((g) => ({
            text: getComputedStyle(g.querySelector("text.key")!).fill,
            card: getComputedStyle(g.querySelector("rect.card")!).fill,
          })),
        );
        assert.ok(colours.length > 0);
        for (const { text, card } of colours)
          assert.notEqual(text, card, `${bodyClass}: text and card are both ${text}`);
        assert.deepEqual(themed.errors, []);
      } finally {
        await themed.close();
      }
    }
  });

  it("keeps its state across a reload (vscode.setState) and redraws from it", async () => {
    await view.post({ type: "graph", graph: shop, focus: "transform/joined" });
    await view.page.click("text=Whole graph");
    await view.page.waitForFunction(
      () => (window as unknown as { __state?: { mode?: string } }).__state?.mode === "graph",
    );
    const saved = await view.state();
    const reopened = await harness.openWebview(browser, { state: saved });
    try {
      const rendered = await lastMessage(reopened, "rendered");
      assert.deepEqual(rendered, { type: "rendered", nodes: shop.assets.length, focus: "transform/joined" });
      // The client answers `ready` with the same graph and focus: the view keeps the whole graph.
      const again = await reopened.post({ type: "graph", graph: shop, focus: "transform/joined" });
      assert.equal(again.rendered.nodes, shop.assets.length);
    } finally {
      await reopened.close();
    }
  });

  it("draws 2,000 assets at a readable scale, culled to the viewport, and focuses in under 50 ms", async () => {
    const big = randomGraph(2000, 11);
    const first = await view.post({ type: "graph", graph: big });
    // This graph is hundreds of layers deep: even zoomed out fully, part of it is off screen.
    assert.equal(
      first.rendered.nodes,
      await view.page.locator("svg g.node").count(),
      "rendered.nodes is not the count of g.node drawn",
    );
    assert.ok(first.rendered.nodes > 0);
    assert.ok(first.paintMs < 1500, `first paint took ${first.paintMs.toFixed(0)} ms`);
    // The first view is at a readable scale (the user pans for the rest): only what meets the
    // viewport is in the DOM, in full detail.
    assert.ok(first.rendered.nodes < 400, `${first.rendered.nodes} nodes in the DOM at a readable scale`);
    const scale = await view.page.evaluate(() =>
      Number(
        /scale\(([\d.]+)\)/.exec(document.querySelector("g.viewport")!.getAttribute("transform") ?? "")?.[1],
      ),
    );
    assert.ok(scale >= 13 / 14 - 1e-9, `the first view of 2,000 assets is at scale ${scale}`);
    assert.ok(
      (await view.page.locator("svg g.node text.key").count()) > 0,
      "at a readable scale, nodes are drawn in full detail",
    );
    await view.page.mouse.move(600, 400);
    for (let i = 0; i < 6; i++) await view.page.mouse.wheel(0, 400);
    await view.page.waitForFunction(() => document.querySelector("svg g.nodes.lite") !== null);
    assert.ok((await view.page.locator("svg g.node").count()) > 0, "zoomed out, nodes are drawn plain");
    const focus = await view.post({ type: "focus", key: big.assets[1000]!.key });
    assert.equal(focus.rendered.nodes, resolveSelection(`2+key:"${big.assets[1000]!.key}"+2`, big).length);
    // The target is 50 ms; a loaded shared machine gets some slack here (the bench measures).
    assert.ok(focus.paintMs < 150, `the focus view took ${focus.paintMs.toFixed(0)} ms`);
  });
});
