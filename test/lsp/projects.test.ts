/**
 * Multi-root workspaces and several pipeline projects in one folder: each project is its own
 * graph, found by `assetline.config.json` or a package.json that depends on `assetline`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { GraphRequest, type GraphResult } from "@assetline/protocol";
import { installFakeLibrary } from "../support/fake-library.cjs";
import { TestClient, uriOf } from "./client";

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A workspace folder holding the fake `assetline` package, so projects below it resolve it. */
function workspaceFolder(parent: string, name: string): string {
  const folder = path.join(parent, name);
  installFakeLibrary(folder);
  return folder;
}

describe("language server: multi-root workspaces and several projects in a folder", function () {
  let client: TestClient;
  let base: string;
  let ordersFile: string;
  let marketingRoot: string;
  let financeRoot: string;
  let opsRoot: string;

  before(async function () {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "assetline-projects-")));
    const analytics = workspaceFolder(base, "analytics");
    // Two projects side by side in one workspace folder: one by config, one by package.json.
    marketingRoot = path.join(analytics, "pipelines", "marketing");
    write(path.join(marketingRoot, "assetline.config.json"), "{}\n");
    write(
      path.join(marketingRoot, "src", "campaigns.ts"),
      `import { asset } from "assetline";\n\nexport const campaigns = asset("marketing/campaigns", {}, () => []);\n` +
        `export const spend = asset("marketing/spend", { ins: { campaigns } }, (_ctx, { campaigns }) => campaigns.length);\n`,
    );
    financeRoot = path.join(analytics, "pipelines", "finance");
    write(
      path.join(financeRoot, "package.json"),
      JSON.stringify({ name: "finance", private: true, dependencies: { assetline: "*" } }),
    );
    ordersFile = path.join(financeRoot, "src", "orders.ts");
    write(
      ordersFile,
      `import { asset } from "assetline";\n\nexport const orders = asset("finance/orders", {}, () => []);\n` +
        `export const revenue = asset("finance/revenue", { deps: ["finance/orders"] }, () => 0);\n`,
    );
    // A second workspace folder that is itself a project.
    const ops = workspaceFolder(base, "ops");
    opsRoot = ops;
    write(path.join(ops, "assetline.config.json"), "{}\n");
    write(
      path.join(ops, "src", "jobs.ts"),
      `import { asset } from "assetline";\n\nexport const jobs = asset("ops/jobs", {}, () => []);\n`,
    );

    client = TestClient.start();
    await client.initialize(analytics, ops);
    await client.waitForIdle((status) => status.assets === 5);
  });

  after(async function () {
    await client?.stop();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it("indexes every project of every workspace folder", async function () {
    const status = await client.waitForIdle();
    assert.equal(status.assets, 5);
    assert.equal(status.errors, 0);
  });

  it("answers the graph of the project a file belongs to, and only that project", async function () {
    const keysOf = async (file: string) => {
      const result = await client.connection.sendRequest<GraphResult>(GraphRequest.method, {
        uri: uriOf(file),
      });
      return { rootUri: result.rootUri, keys: result.graph.assets.map((asset) => asset.key).sort() };
    };
    assert.deepEqual(await keysOf(path.join(marketingRoot, "src", "campaigns.ts")), {
      rootUri: uriOf(marketingRoot),
      keys: ["marketing/campaigns", "marketing/spend"],
    });
    assert.deepEqual(await keysOf(ordersFile), {
      rootUri: uriOf(financeRoot),
      keys: ["finance/orders", "finance/revenue"],
    });
    assert.deepEqual(await keysOf(path.join(opsRoot, "src", "jobs.ts")), {
      rootUri: uriOf(opsRoot),
      keys: ["ops/jobs"],
    });
  });

  it("does not resolve a key of another project: each project is its own graph", async function () {
    const text = fs
      .readFileSync(ordersFile, "utf8")
      .replace('deps: ["finance/orders"]', 'deps: ["marketing/spend"]');
    const published = client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (params) =>
        params.uri === uriOf(ordersFile) && params.diagnostics.some((d) => d.code === "unknown-asset"),
    );
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: uriOf(ordersFile), languageId: "typescript", version: 1, text },
    });
    const diagnostic = (await published).diagnostics.find((d) => d.code === "unknown-asset")!;
    const message = typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value;
    assert.match(message, /marketing\/spend/);
    const status = await client.waitForIdle((s) => s.errors === 1, false);
    assert.equal(status.assets, 5);
  });
});
