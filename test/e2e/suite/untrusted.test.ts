/**
 * The extension in an untrusted workspace (Restricted Mode): what comes from static analysis
 * works (the graph, lenses, diagnostics, the lineage view) and running assets, which executes
 * the workspace's code, is refused with a message that says why. test/e2e/launch.mjs runs this
 * in its `untrusted` session (workspace trust on, no startup prompt, ASSETLINE_E2E_MODE=untrusted).
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as vscode from "vscode";
import { type AssetGraph } from "@assetline/core";
import { Commands } from "@assetline/protocol";
import type { AssetlineApi, RunOutcome } from "../../../client/src/api";
import { askLauncher, loadStaticGraph, withDeadline, workspaceRoot } from "./helpers";
import {
  EXTENSION_ID,
  commandArgs,
  diagnosticCode,
  lensOf,
  lensesFor,
  misspell,
  runFolders,
  waitForDiagnostics,
} from "./vscode-helpers";

const TRANSFORM_FILE = "src/transform.ts";

export function defineUntrustedTests(): void {
  describe("Assetline in an untrusted workspace (Restricted Mode)", function () {
    let api: AssetlineApi;
    let root: string;
    let graph: AssetGraph;
    let transformUri: vscode.Uri;

    before(function () {
      root = workspaceRoot();
      transformUri = vscode.Uri.file(path.join(root, TRANSFORM_FILE));
      graph = loadStaticGraph(root);
    });

    it("opens the workspace untrusted", async function () {
      assert.equal(
        vscode.workspace.isTrusted,
        false,
        "the workspace is trusted: the launcher must not trust it",
      );
      const seen = await askLauncher("restricted-mode", { shot: "restricted-mode" });
      if (seen) assert.equal(seen["shown"], true, "the status bar shows no Restricted Mode indicator");
    });

    it("activates and analyses the graph: the asset count, lenses and the lineage view", async function () {
      const extension = vscode.extensions.getExtension<AssetlineApi>(EXTENSION_ID);
      assert.ok(extension, `the extension ${EXTENSION_ID} is not loaded in Restricted Mode`);
      api = await extension.activate();
      const status = await withDeadline(api.whenIdle(), 60_000, "the language server never reported idle");
      assert.equal(status.assets, graph.assets.length, "the asset count differs from `assetline graph`");

      await vscode.window.showTextDocument(transformUri, {
        preview: false,
        viewColumn: vscode.ViewColumn.One,
      });
      const keys = graph.assets.filter((asset) => asset.file === TRANSFORM_FILE).map((asset) => asset.key);
      const lenses = await lensesFor(api, transformUri, keys);
      for (const key of keys)
        assert.match(
          lensOf(lenses, key, Commands.runAsset).title,
          /^▶ Run \(requires trust\)$/,
          "an untrusted workspace's Run lens says that running needs trust",
        );
      const seen = await askLauncher("lenses", { expected: keys.length });
      if (seen)
        assert.ok(
          (seen["titles"] as string[]).some((title) => /run/i.test(title)),
          `no Run lens is rendered: ${JSON.stringify(seen["titles"])}`,
        );

      const rendered = api.nextLineageRender();
      await vscode.commands.executeCommand(Commands.showLineage);
      const render = await withDeadline(rendered, 30_000, "the lineage view never reported a render");
      assert.equal(render.nodes, graph.assets.length, "the lineage view's node count");
    });

    it("reports a misspelt dependency as unknown-asset", async function () {
      const editor = await vscode.window.showTextDocument(transformUri, {
        preview: false,
        viewColumn: vscode.ViewColumn.One,
      });
      const misspelt = misspell(graph.assets[0]!.key, new Set(graph.assets.map((asset) => asset.key)));
      const isTypo = (diagnostic: vscode.Diagnostic) =>
        diagnosticCode(diagnostic) === "unknown-asset" && diagnostic.message.includes(misspelt);
      const appeared = waitForDiagnostics(transformUri, (diagnostics) => diagnostics.some(isTypo));
      const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
      const edit = new vscode.WorkspaceEdit();
      edit.insert(
        transformUri,
        end,
        `\nexport const e2eTypo = asset("e2e/typo", { deps: [${JSON.stringify(misspelt)}] }, async () => 1);\n`,
      );
      assert.ok(await vscode.workspace.applyEdit(edit), "the edit was not applied");
      await withDeadline(appeared, 15_000, `no unknown-asset diagnostic for "${misspelt}"`);
      const cleared = waitForDiagnostics(transformUri, (diagnostics) => !diagnostics.some(isTypo));
      await vscode.commands.executeCommand("workbench.action.files.revert");
      await withDeadline(cleared, 15_000, "the diagnostic stayed after the typo was reverted");
    });

    it("refuses to run an asset from its Run lens and says why", async function () {
      const key = graph.assets.find((asset) => asset.file === TRANSFORM_FILE)!.key;
      const run = lensOf(await lensesFor(api, transformUri, [key]), key, Commands.runAsset);
      const before = runFolders(root);
      const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>(
        run.command,
        ...commandArgs(run),
      );
      assert.equal(outcome?.status, "cancelled", `the run was not refused: ${JSON.stringify(outcome)}`);
      assert.deepEqual(runFolders(root), before, "a run was recorded under .assetline/runs");
      assert.deepEqual(before, [], "the untrusted workspace copy has run records");

      const seen = await askLauncher("notification", { contains: "untrusted", shot: "untrusted-refused" });
      if (seen) {
        const text = String(seen["text"]);
        assert.match(text, /does not run assets in an untrusted workspace/i);
        assert.match(text, /executes the workspace's code/i, "the warning does not say why");
        assert.match(text, /Trust the workspace/i, "the warning does not say what to do");
      }
    });
  });
}
