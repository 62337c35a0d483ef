/**
 * Which files hold definitions, decided once (core's `isDefinitionsFile`): `assetline graph`,
 * the language server and `assetline materialize` see the same assets. Test modules and build
 * output declare none.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { findDefinitionsFiles, isDefinitionsFile, type FolderEntry } from "@assetline/core";
import { GraphRequest, type GraphResult } from "@assetline/protocol";
import { TestClient, uriOf } from "../../lsp/client";
import { removeTemps, requireBuiltCli, runCli, tempProject } from "../sdk/helpers";

const ASSET = (key: string) =>
  `import { asset } from "assetline";\nexport const a = asset("${key}", {}, () => 1);\n`;

describe("the definitions-file rule: graph, editor and materialize agree", function () {
  after(removeTemps);

  it("judges root-relative paths: modules yes; tests, declarations, builds, dependencies no", () => {
    for (const yes of [
      "src/assets.ts",
      "a.mts",
      "src/x/y.cts",
      "src/view.tsx",
      "src/contest.ts",
      "builder/a.ts",
    ])
      assert.equal(isDefinitionsFile(yes), true, yes);
    for (const no of [
      "src/assets.test.ts",
      "src/assets.spec.tsx",
      "src/types.d.ts",
      "build/gen.ts",
      "src/dist/a.ts",
      "out/a.ts",
      "coverage/a.ts",
      "node_modules/x/a.ts",
      ".assetline/a.ts",
      ".hidden/a.ts",
      "../outside.ts",
      "/abs/a.ts",
      "src/notes.md",
      "src/data.json",
    ])
      assert.equal(isDefinitionsFile(no), false, no);
  });

  it("walks only the folders that may hold definitions, and sorts what it finds", () => {
    const tree: Record<string, FolderEntry[]> = {
      "": [
        { name: "src", folder: true },
        { name: "build", folder: true },
        { name: "index.ts", folder: false },
      ],
      src: [
        { name: "b.ts", folder: false },
        { name: "a.test.ts", folder: false },
        { name: "a.ts", folder: false },
      ],
      build: [{ name: "never-listed.ts", folder: false }],
    };
    const listed: string[] = [];
    const found = findDefinitionsFiles((folder) => {
      listed.push(folder);
      return tree[folder] ?? [];
    });
    assert.deepEqual(found, ["index.ts", "src/a.ts", "src/b.ts"]);
    assert.deepEqual(listed, ["", "src"]);
  });

  it("a project's test module and build output define no asset anywhere", async function () {
    requireBuiltCli();
    const root = fs.realpathSync(
      tempProject({
        "package.json": JSON.stringify({ name: "files", private: true, dependencies: { assetline: "*" } }),
        "src/assets.ts": ASSET("p/real"),
        "src/assets.test.ts": ASSET("p/from_test"),
        "src/helpers.spec.ts": ASSET("p/from_spec"),
        "build/generated.ts": ASSET("p/from_build"),
        "coverage/report.ts": ASSET("p/from_coverage"),
      }),
    );
    const graph = await runCli(["graph", "--json", "--root", root]);
    assert.equal(graph.code, 0, graph.stderr);
    const graphKeys = (JSON.parse(graph.stdout) as GraphResult["graph"]).assets.map((each) => each.key);
    assert.deepEqual(graphKeys, ["p/real"], "assetline graph");

    const run = await runCli(["materialize", "--select", "*", "--json", "--root", root]);
    assert.equal(run.code, 0, run.stderr);
    const events = run.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { type: string; key?: string });
    assert.deepEqual(
      events.filter((event) => event.type === "asset_success").map((event) => event.key),
      ["p/real"],
      "assetline materialize",
    );

    const client = TestClient.start();
    try {
      await client.initialize(root);
      await client.waitForIdle();
      const served = await client.connection.sendRequest<GraphResult>(GraphRequest.method, {
        uri: uriOf(root),
      });
      assert.deepEqual(
        served.graph.assets.map((each) => each.key),
        ["p/real"],
        "the language server",
      );
    } finally {
      await client.stop();
    }
  });
});
