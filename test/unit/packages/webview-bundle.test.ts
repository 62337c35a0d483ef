/**
 * The lineage webview runs in a browser under a strict CSP: its bundle must not carry the
 * JSON-RPC library that the typed LSP descriptors of @assetline/protocol need. It imports the
 * protocol's webview messages only (`@assetline/protocol/webview`).
 */
import assert from "node:assert/strict";
import path from "node:path";
import * as esbuild from "esbuild";

const repo = path.resolve(__dirname, "../../..");

/** The files a browser bundle of `entry` (as scripts/build.mjs bundles the webview) is made of. */
async function bundledInputs(entry: { path: string } | { contents: string }): Promise<string[]> {
  const result = await esbuild.build({
    absWorkingDir: repo,
    bundle: true,
    write: false,
    // Nothing is written; the stylesheet the webview imports needs somewhere to go.
    outdir: path.join(repo, "out", "webview-bundle-check"),
    metafile: true,
    platform: "browser",
    format: "iife",
    logLevel: "silent",
    conditions: ["assetline-source"],
    ...("path" in entry
      ? { entryPoints: [entry.path] }
      : { stdin: { contents: entry.contents, resolveDir: path.join(repo, "webview", "src"), loader: "ts" } }),
  });
  return Object.keys(result.metafile.inputs);
}

const jsonrpc = (inputs: string[]): string[] =>
  inputs.filter((input) => /vscode-jsonrpc|vscode-languageserver/.test(input));

describe("the webview bundle", function () {
  it("holds no vscode-jsonrpc: the webview imports @assetline/protocol/webview only", async function () {
    const inputs = await bundledInputs({ path: "webview/src/main.ts" });
    assert.ok(inputs.includes("webview/src/main.ts"), inputs.join(", "));
    assert.deepEqual(jsonrpc(inputs), []);
  });

  it("would, through the protocol's LSP descriptors (what the check above guards against)", async function () {
    const inputs = await bundledInputs({
      contents:
        'import { GraphRequest } from "@assetline/protocol";\nconsole.log(GraphRequest.type.method);\n',
    });
    assert.notDeepEqual(jsonrpc(inputs), []);
    const webviewOnly = await bundledInputs({
      contents:
        'import { isWebviewMessage } from "@assetline/protocol/webview";\nconsole.log(isWebviewMessage({}));\n',
    });
    assert.deepEqual(jsonrpc(webviewOnly), []);
  });
});
