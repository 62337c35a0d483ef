/**
 * One set of run records, every consumer: `assetline status --json` (the real CLI), the code
 * lens and the hover (the real language server over JSON-RPC), the Assets view's rows and the
 * lineage view's state mapping (fed what the server sends). Each must say the same state in the
 * same words for every asset.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { CodeLens, Hover, MarkupContent } from "vscode-languageserver-protocol";
import { statusFromEvent, type AssetStatus } from "@assetline/core";
import { GraphRequest, RunStatesRequest, type GraphResult, type RunStatesResult } from "@assetline/protocol";
import { assetRow, overlayLive } from "../../../client/src/assetStates";
import { cardFor } from "../../../webview/src/card";
import { indexGraph } from "../../../webview/src/graph-index";
import { mergeStatus } from "../../../webview/src/status";
import { buildView } from "../../../webview/src/view";
import { positionOf, TestClient, uriOf } from "../../lsp/client";
import { EXPECTED, PIPELINE, writeScenario } from "../../support/run-records";
import { removeTemps, requireBuiltCli, runCli, tempProject } from "../sdk/helpers";

describe("one run state per asset, the same in every view", function () {
  let root: string;
  let client: TestClient | undefined;
  const keys = Object.keys(EXPECTED);

  before(async function () {
    requireBuiltCli();
    root = fs.realpathSync(
      tempProject({
        "package.json": JSON.stringify({ name: "states", private: true, dependencies: { assetline: "*" } }),
        "src/definitions.ts": PIPELINE,
      }),
    );
    // The running run's process is this one: alive while the consumers read the records.
    writeScenario(root, Date.now(), process.pid);
    client = TestClient.start();
    await client.initialize(root);
    await client.waitForIdle((status) => status.assets === keys.length);
  });

  after(async function () {
    await client?.stop();
    removeTemps();
  });

  const request = <T>(method: string, params: unknown): Promise<T> =>
    client!.connection.sendRequest<T>(method, params);

  function expectAll(consumer: string, seen: Record<string, { state: string; title: string } | undefined>) {
    for (const key of keys) {
      const got = seen[key];
      assert.ok(got, `${consumer} says nothing of ${key}`);
      assert.equal(got.state, EXPECTED[key]!.state, `${consumer}: state of ${key}`);
      assert.match(got.title, EXPECTED[key]!.title, `${consumer}: words for ${key}`);
    }
  }

  it("assetline status --json", async function () {
    const result = await runCli(["status", "--json", "--root", root]);
    assert.equal(result.code, 0, result.stderr);
    const { assets } = JSON.parse(result.stdout) as {
      assets: { key: string; state: string; title: string }[];
    };
    expectAll("status", Object.fromEntries(assets.map((each) => [each.key, each])));
  });

  it("the code lens and the hover", async function () {
    const file = path.join(root, "src", "definitions.ts");
    const lenses = await request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri: uriOf(file) } });
    const lines = PIPELINE.split("\n");
    const fromLens: Record<string, { state: string; title: string }> = {};
    const fromHover: Record<string, { state: string; title: string }> = {};
    for (const key of keys) {
      const line = lines.findIndex((text) => text.includes(`asset("${key}"`));
      // The state lens is the last one above the asset (after Run, lineage and neighbours).
      const title = lenses.filter((lens) => lens.range.start.line === line).at(-1)?.command?.title ?? "";
      fromLens[key] = { state: EXPECTED[key]!.title.test(title) ? EXPECTED[key]!.state : title, title };
      const hover = await request<Hover>("textDocument/hover", {
        textDocument: { uri: uriOf(file) },
        position: positionOf(PIPELINE, `"${key}"`, 2),
      });
      const value = (hover.contents as MarkupContent).value;
      const hovered = /Run state: (.*?)(?: — |$)/m.exec(value)?.[1] ?? value;
      fromHover[key] = {
        state: EXPECTED[key]!.title.test(hovered) ? EXPECTED[key]!.state : hovered,
        title: hovered,
      };
    }
    expectAll("code lens", fromLens);
    expectAll("hover", fromHover);
  });

  it("the Assets view and the lineage view, from what the server sends", async function () {
    const { states } = await request<RunStatesResult>(RunStatesRequest.method, { uri: uriOf(root) });
    const { graph } = await request<GraphResult>(GraphRequest.method, { uri: uriOf(root) });
    // The Assets view: the server's states with no live run overlaid, one row per asset.
    const overlaid = overlayLive(states, new Map()).states;
    const rows: Record<string, { state: string; title: string }> = {};
    for (const asset of graph.assets) {
      const row = assetRow(asset, overlaid[asset.key]);
      rows[asset.key] = { state: row.state ?? "external", title: row.description };
    }
    expectAll("Assets view", rows);
    // The lineage view: the status message as the webview validates it, and its hover card.
    const received: Record<string, AssetStatus> = mergeStatus({}, JSON.parse(JSON.stringify(states)));
    const index = indexGraph(graph);
    const model = buildView(index, { mode: "graph", hops: 2, expansions: [], collapsed: [] });
    const cards: Record<string, { state: string; title: string }> = {};
    for (const key of keys) {
      const card = cardFor(model.byId.get(key)!, index, received);
      const row = card.rows.find((each) => each.label === "state");
      cards[key] = { state: received[key]!.state, title: row?.value ?? "" };
      assert.equal(row?.tone, `state-${received[key]!.state}`);
    }
    expectAll("lineage view", cards);
  });
});

describe("a run killed while an asset was running", function () {
  after(removeTemps);

  it("shows the asset as running nowhere once its process is gone", async function () {
    requireBuiltCli();
    // The pid of a process that has ended: the run's writer was killed.
    const gone = spawn(process.execPath, ["-e", ""]);
    const pid = gone.pid!;
    await new Promise((resolve) => gone.on("exit", resolve));
    const root = fs.realpathSync(
      tempProject({
        "package.json": JSON.stringify({ name: "killed", private: true, dependencies: { assetline: "*" } }),
        "src/definitions.ts": PIPELINE,
      }),
    );
    const index = writeScenario(root, Date.now(), pid);
    assert.ok(index.running?.["s/running"], "the index the killed writer left says running");
    const client = TestClient.start();
    try {
      await client.initialize(root);
      await client.waitForIdle((status) => status.assets === Object.keys(EXPECTED).length);
      const file = path.join(root, "src", "definitions.ts");
      const lenses = await client.connection.sendRequest<CodeLens[]>("textDocument/codeLens", {
        textDocument: { uri: uriOf(file) },
      });
      const line = PIPELINE.split("\n").findIndex((text) => text.includes('asset("s/running"'));
      const title = lenses.filter((lens) => lens.range.start.line === line).at(-1)?.command?.title;
      assert.equal(title, "never materialized", "code lens");
      const { states } = await client.connection.sendRequest<RunStatesResult>(RunStatesRequest.method, {
        uri: uriOf(root),
      });
      assert.equal(states["s/running"]?.state, "never", "assetline/runStates");
    } finally {
      await client.stop();
    }
    const result = await runCli(["status", "--json", "--root", root]);
    const { assets } = JSON.parse(result.stdout) as { assets: { key: string; state: string }[] };
    assert.equal(assets.find((each) => each.key === "s/running")?.state, "never", "assetline status");
  });
});

describe("live run events over the server's states (client/src/assetStates.ts)", function () {
  const now = Date.parse("2026-12-01T12:00:00.000Z");
  const time = new Date(now).toISOString();

  it("a live state stands until the server's comes from the same run; running until the run ends", () => {
    const started = statusFromEvent({ type: "asset_start", runId: "r9", time, key: "s/a" }, now)!;
    const done = statusFromEvent(
      { type: "asset_success", runId: "r9", time, key: "s/b", durationMs: 1, output: {} },
      now,
    )!;
    const live = new Map([
      ["s/a", { status: started, time }],
      ["s/b", { status: done, time }],
    ]);
    const before = overlayLive({ "s/a": { state: "never" }, "s/b": { state: "stale", runId: "r1" } }, live);
    assert.deepEqual(
      [before.states["s/a"]!.title, before.states["s/b"]!.title, before.superseded],
      ["⟳ running…", "✓ fresh (just now)", []],
    );
    const caughtUp = overlayLive(
      {
        "s/a": { state: "running", runId: "r9" },
        "s/b": { state: "fresh", runId: "r9", title: "✓ fresh (just now)" },
      },
      live,
    );
    assert.deepEqual(caughtUp.superseded, ["s/b"]);
    assert.equal(caughtUp.states["s/a"]!.title, "⟳ running…");
  });
});
