/**
 * What automation would request now, the same in the editor and on the command line: the
 * language server's run states carry core's verdicts, equal to `assetline automation --json`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { RunStatesRequest, type RunStatesResult } from "@assetline/protocol";
import { TestClient, uriOf } from "../../lsp/client";
import { removeTemps, requireBuiltCli, runCli, tempProject } from "../sdk/helpers";

const PIPELINE = `import { asset, eager } from "assetline";

export const raw = asset("a/raw", () => [1, 2, 3]);
export const clean = asset("a/clean", { ins: { raw }, automation: eager() }, (ctx, { raw }) => raw.length);
export const other = asset("a/other", { automation: eager() }, () => 0);
`;

describe("automation's verdicts, the same in the editor and the command line", function () {
  this.timeout(120_000);
  let root: string;
  let client: TestClient | undefined;

  before(async function () {
    requireBuiltCli();
    root = fs.realpathSync(
      tempProject({
        "package.json": JSON.stringify({ name: "auto", private: true, dependencies: { assetline: "*" } }),
        "src/definitions.ts": PIPELINE,
      }),
    );
    // A first evaluation, then the upstream materializes: eager() on a/clean now holds.
    assert.equal((await runCli(["automation", "--root", root])).code, 0);
    assert.equal((await runCli(["materialize", "--root", root, "--select", "a/raw"])).code, 0);
    client = TestClient.start();
    await client.initialize(root);
    await client.waitForIdle((status) => status.assets === 3);
  });

  after(async function () {
    await client?.stop();
    removeTemps();
  });

  it("runStates says which assets would be requested now and why, as assetline automation does", async function () {
    const result = await client!.connection.sendRequest<RunStatesResult>(RunStatesRequest.method, {
      uri: uriOf(path.join(root, "src", "definitions.ts")),
    });
    const cli = JSON.parse((await runCli(["automation", "--json", "--root", root])).stdout) as {
      requested: { key: string; reason: string }[];
      skipped: { key: string; reason: string }[];
    };
    assert.ok(result.automation, "the server sent no automation verdicts");
    assert.equal(result.automation["a/clean"]?.requested, true);
    assert.deepEqual(
      cli.requested.map((d) => d.key),
      Object.entries(result.automation)
        .filter(([, v]) => v.requested)
        .map(([k]) => k),
    );
    assert.equal(
      result.automation["a/clean"]?.reason,
      cli.requested.find((d) => d.key === "a/clean")?.reason,
    );
    assert.equal(result.automation["a/raw"], undefined, "an asset without a condition has no verdict");
  });
});
