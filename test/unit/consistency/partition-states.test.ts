/**
 * A partitioned asset after a real backfill with one failed day: `assetline status --json`,
 * `assetline partitions --json`, the language server's run states, its code lens and its hover
 * say the same health (`▮▯▯▯ 13/60 materialized, 1 failed`), from the same rule in core.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { CodeLens, Hover, MarkupContent } from "vscode-languageserver-protocol";
import { RunStatesRequest, type RunStatesResult } from "@assetline/protocol";
import { positionOf, TestClient, uriOf } from "../../lsp/client";
import { removeTemps, requireBuiltCli, runCli, tempProject } from "../sdk/helpers";

const PIPELINE = `import { asset, dailyPartitions } from "assetline";

const days = dailyPartitions({ start: "2024-01-01", end: "2024-03-01" });

export const raw = asset("p/raw", { partitions: days }, (ctx) => {
  if (ctx.partition!.key === "2024-01-05") throw new Error("no file for 2024-01-05");
  return ctx.partition!.key;
});

export const clean = asset("p/clean", { partitions: days, ins: { raw } }, (ctx, { raw }) => raw + "!");
`;

describe("a partitioned asset's health, the same in the command line and the editor", function () {
  this.timeout(120_000);
  let root: string;
  let client: TestClient | undefined;

  before(async function () {
    requireBuiltCli();
    root = fs.realpathSync(
      tempProject({
        "package.json": JSON.stringify({ name: "parts", private: true, dependencies: { assetline: "*" } }),
        "src/definitions.ts": PIPELINE,
      }),
    );
    const run = await runCli([
      "materialize",
      "--root",
      root,
      "--select",
      "*",
      "--partition-range",
      "2024-01-01...2024-01-14",
    ]);
    assert.equal(run.code, 1, "a backfill with a failed day fails");
    client = TestClient.start();
    await client.initialize(root);
    await client.waitForIdle((status) => status.assets === 2);
  });

  after(async function () {
    await client?.stop();
    removeTemps();
  });

  it("status, partitions, run states, lens and hover agree", async function () {
    const status = JSON.parse((await runCli(["status", "--json", "--root", root])).stdout) as {
      assets: { key: string; state: string; title: string; partitions?: Record<string, number> }[];
    };
    const raw = status.assets.find((a) => a.key === "p/raw")!;
    const clean = status.assets.find((a) => a.key === "p/clean")!;
    assert.deepEqual(raw.partitions, {
      total: 60,
      materialized: 13,
      stale: 0,
      failed: 1,
      running: 0,
      missing: 46,
    });
    assert.equal(raw.state, "failed");
    assert.match(raw.title, /^▮▯▯▯ 13\/60 materialized, 1 failed · ✗ failed/);
    assert.deepEqual(clean.partitions, {
      total: 60,
      materialized: 13,
      stale: 0,
      failed: 0,
      running: 0,
      missing: 47,
    });
    assert.equal(clean.state, "fresh");

    const listed = JSON.parse((await runCli(["partitions", "p/raw", "--json", "--root", root])).stdout) as {
      partitions: { key: string; state: string }[];
    };
    assert.equal(
      listed.partitions.filter((p) => p.state === "materialized").length,
      raw.partitions.materialized,
    );

    const states = await client!.connection.sendRequest<RunStatesResult>(RunStatesRequest.method, {
      uri: uriOf(path.join(root, "src", "definitions.ts")),
    });
    for (const each of [raw, clean]) {
      assert.deepEqual(
        states.states[each.key]?.partitions,
        each.partitions,
        `the server's summary of ${each.key}`,
      );
      assert.equal(
        states.states[each.key]?.title?.replace(/\(.*?\)/g, ""),
        each.title.replace(/\(.*?\)/g, ""),
      );
    }

    const file = path.join(root, "src", "definitions.ts");
    const lenses = await client!.connection.sendRequest<CodeLens[]>("textDocument/codeLens", {
      textDocument: { uri: uriOf(file) },
    });
    const titles = lenses.map((lens) => lens.command?.title ?? "");
    assert.ok(
      titles.some((t) => t.startsWith("▮▯▯▯ 13/60 materialized, 1 failed")),
      JSON.stringify(titles),
    );
    const hover = await client!.connection.sendRequest<Hover>("textDocument/hover", {
      textDocument: { uri: uriOf(file) },
      position: positionOf(PIPELINE, '"p/clean"', 2),
    });
    const text = (hover.contents as MarkupContent).value;
    assert.match(text, /13\/60 materialized/);
    assert.match(text, /daily from 2024-01-01/);
  });
});
