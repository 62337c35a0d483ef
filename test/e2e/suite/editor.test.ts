/**
 * End-to-end tests of what a person sees and does around the lineage view and the Test
 * Explorer, in the real VS Code (run after extension.test.ts, on the same workspace copy):
 * a run from a code lens changes the node's run state in the webview's DOM, a click on a node
 * opens the asset's definition, and asset checks run from the Test Explorer pass and fail.
 *
 * The webview's DOM and the workbench are read by the launcher (test/e2e/launch.mjs) through
 * Playwright, on request (askLauncher). In VS Code desktop (no launcher) those parts are skipped.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { describeRunSelection, type AssetGraph, type AssetNode } from "@assetline/core";
import { Commands } from "@assetline/protocol";
import type { AssetlineApi, CheckRunResult, RunOutcome } from "../../../client/src/api";
import { askLauncher, loadStaticGraph, runCli, storageTimes, withDeadline, workspaceRoot } from "./helpers";
import { note } from "./log";
import {
  EXTENSION_ID,
  commandArgs,
  diagnosticCode,
  isMaterialized,
  lensArgs,
  lensOf,
  lensesFor,
  readRunIndex,
  runFolders,
  untilSettled,
} from "./vscode-helpers";

/** The check of examples/shop that a negative day of revenue fails (src/report.ts). */
const NON_NEGATIVE = { key: "transform/daily_revenue", check: "non_negative" };

export function defineEditorTests(): void {
  describe("Lineage view, definitions and checks in a real VS Code", function () {
    let api: AssetlineApi;
    let root: string;
    let graph: AssetGraph;

    before(async function () {
      root = workspaceRoot();
      graph = loadStaticGraph(root);
      const extension = vscode.extensions.getExtension<AssetlineApi>(EXTENSION_ID);
      assert.ok(extension, `the extension ${EXTENSION_ID} is not loaded`);
      api = await extension.activate();
      await withDeadline(api.whenIdle(), 60_000, "the language server never reported idle");
    });

    it("a run from a code lens turns the asset's lineage node from never to running to fresh", async function () {
      // An asset never materialized in this workspace copy whose inputs are stored (a run of
      // the asset alone loads them); materialize missing inputs first if no asset has them all.
      // (Assets declared in array callbacks are generated: they have no lens of their own.)
      // (Never run at all: `assetline dev` in the suite before may have tried one and failed.)
      const records = readRunIndex(root)?.assets ?? {};
      const never = graph.assets.filter(
        (asset) => !asset.external && !asset.generated && records[asset.key] === undefined,
      );
      assert.ok(never.length > 0, "every asset of the workspace copy has run already");
      const missingIns = (asset: AssetNode) =>
        Object.values(asset.ins).filter((key) => !isMaterialized(root, key));
      const target = [...never].sort((a, b) => missingIns(a).length - missingIns(b).length)[0]!;
      for (const key of missingIns(target)) {
        const outcome = await runCommand(Commands.runAssetWithUpstream, { key, rootUri: rootUri(root) });
        assert.equal(outcome?.status, "success", `materializing the input ${key} failed`);
      }
      const uri = vscode.Uri.file(path.join(root, target.file));
      await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.One });
      const run = lensOf(await lensesFor(api, uri, [target.key]), target.key, Commands.runAsset);

      // The whole graph in the lineage view; the launcher records the node's states from now on.
      const rendered = api.nextLineageRender();
      await vscode.commands.executeCommand(Commands.showLineage);
      await withDeadline(rendered, 30_000, "the lineage view never reported a render");
      const watched = await askLauncher("watch-node", { key: target.key, shot: "lineage-node-never" });
      if (watched) assert.equal(watched["initial"], "never", `the node of ${target.key} before the run`);

      const outcome = await runCommand(run.command, ...commandArgs(run));
      assert.equal(outcome?.status, "success", `the run of ${target.key} failed: ${JSON.stringify(outcome)}`);

      const seen = await askLauncher("node-states", {
        key: target.key,
        until: "fresh",
        shot: "lineage-node-fresh",
      });
      if (!seen) return;
      const states = seen["states"] as string[] | null;
      note(`      ${target.key}: ${JSON.stringify(states)} in the webview`);
      assert.ok(Array.isArray(states), "the launcher recorded no states (the webview frame was replaced?)");
      assert.equal(states[0], "never");
      assert.equal(states.at(-1), "fresh", `the node never showed fresh: ${JSON.stringify(states)}`);
      const running = states.indexOf("running");
      assert.ok(running > 0, `the node never showed running during the run: ${JSON.stringify(states)}`);
      assert.deepEqual(
        states.slice(running).filter((state) => state !== "running" && state !== "fresh"),
        [],
        `between running and fresh the node showed other states: ${JSON.stringify(states)}`,
      );
    });

    it("a run with upstream shows each node running, then fresh, never an older state in between", async function () {
      // The asset with the most never-materialized assets upstream (itself included), run from
      // its "Run with upstream" lens: every asset of the run is watched in the webview.
      const byKey = new Map(graph.assets.map((asset) => [asset.key, asset]));
      const upstreamOf = (key: string, seen = new Set<string>()): Set<string> => {
        if (seen.has(key) || !byKey.has(key)) return seen;
        seen.add(key);
        for (const dep of byKey.get(key)!.deps) upstreamOf(dep, seen);
        return seen;
      };
      const neverIn = (keys: Set<string>) => [...keys].filter((key) => !isMaterialized(root, key)).length;
      // Preferably one never materialized (assetline dev, run earlier, may have materialized
      // them all: then any asset with a lens; a fresh node goes running, then fresh again).
      const lensed = graph.assets.filter((asset) => !asset.external && !asset.generated);
      const never = lensed.filter((asset) => !isMaterialized(root, asset.key));
      const candidates = never.length > 0 ? never : lensed;
      assert.ok(candidates.length > 0, "the example has no asset with a lens");
      const target = [...candidates].sort(
        (a, b) =>
          neverIn(upstreamOf(b.key)) - neverIn(upstreamOf(a.key)) ||
          upstreamOf(b.key).size - upstreamOf(a.key).size,
      )[0]!;
      const watched = [...upstreamOf(target.key)].filter((key) => !byKey.get(key)!.external);
      const uri = vscode.Uri.file(path.join(root, target.file));
      await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.One });
      const lens = lensOf(await lensesFor(api, uri, [target.key]), target.key, Commands.runAssetWithUpstream);

      const rendered = api.nextLineageRender();
      await vscode.commands.executeCommand(Commands.showLineage);
      await withDeadline(rendered, 30_000, "the lineage view never reported a render");
      const before = new Map<string, string>();
      for (const key of watched) {
        const seen = await askLauncher("watch-node", { key, shot: "lineage-upstream-before" });
        if (!seen) this.skip();
        before.set(key, String(seen["initial"]));
      }

      const outcome = await runCommand(lens.command, ...commandArgs(lens));
      assert.equal(
        outcome?.status,
        "success",
        `the run of +${target.key} failed: ${JSON.stringify(outcome)}`,
      );

      const problems: string[] = [];
      for (const key of watched) {
        const seen = await askLauncher("node-states", {
          key,
          until: "fresh",
          shot: "lineage-upstream-after",
        });
        const states = (seen?.["states"] as string[] | null) ?? [];
        note(`      ${key}: ${JSON.stringify(states)}`);
        const running = states.indexOf("running");
        if (states[0] !== before.get(key)) problems.push(`${key} started as ${states[0]}`);
        if (running < 0) problems.push(`${key} never showed running: ${JSON.stringify(states)}`);
        else if (states.slice(running).some((state) => state !== "running" && state !== "fresh"))
          problems.push(`${key} went back to an older state after running: ${JSON.stringify(states)}`);
        if (states.at(-1) !== "fresh") problems.push(`${key} did not end fresh: ${JSON.stringify(states)}`);
      }
      assert.deepEqual(problems, [], `the run states shown in the lineage view during +${target.key}`);
    });

    it("a click on a lineage node opens the asset's file at its declaration", async function () {
      const active = vscode.window.activeTextEditor?.document.uri.fsPath;
      const target = graph.assets.find(
        (asset) =>
          !asset.external && !asset.generated && asset.line > 1 && path.join(root, asset.file) !== active,
      );
      assert.ok(target, "no asset is declared in another file than the active editor's");
      const file = path.join(root, target.file);

      const rendered = api.nextLineageRender();
      await vscode.commands.executeCommand(Commands.showLineage);
      await withDeadline(rendered, 30_000, "the lineage view never reported a render");
      const opened = untilEditorAt(file, target.line - 1);
      const clicked = await askLauncher("click-node", { key: target.key });
      if (!clicked) this.skip();
      const editor = await withDeadline(
        opened,
        15_000,
        `no editor opened ${target.file} at line ${target.line} after the click on ${target.key}`,
      );
      assert.equal(editor.viewColumn, vscode.ViewColumn.One, "the definition opened beside the first column");
      assert.equal(editor.selection.active.character, target.column - 1, "the cursor's column");

      // What a person sees: the file's tab is active, the status bar shows the cursor's place.
      const seen = await askLauncher("editor-state", { tab: path.basename(file), shot: "click-through" });
      assert.equal(seen?.["title"], path.basename(file), "the active tab's title");
      assert.equal(
        seen?.["cursor"],
        `Ln ${target.line}, Col ${target.column}`,
        "the status bar's cursor position",
      );
    });

    it("asset checks run from the Test Explorer pass, and a failing one is reported failed", async function () {
      const expected = graph.assets.flatMap((asset) =>
        asset.checks.map((check) => ({ key: asset.key, check })),
      );
      assert.ok(
        expected.some((item) => item.key === NON_NEGATIVE.key && item.check === NON_NEGATIVE.check),
        `the example has no check ${NON_NEGATIVE.key} ${NON_NEGATIVE.check}: ${JSON.stringify(expected)}`,
      );
      // A check judges its asset's stored value: the assets with checks must be stored.
      for (const key of new Set(expected.map((item) => item.key))) {
        if (isMaterialized(root, key)) continue;
        const outcome = await runCommand(Commands.runAssetWithUpstream, { key, rootUri: rootUri(root) });
        assert.equal(outcome?.status, "success", `materializing ${key} failed`);
      }
      // The Test Explorer lists the checks (its rows are read in the page).
      await vscode.commands.executeCommand("workbench.view.testing.focus");
      await askLauncher("testing-view", { shot: "testing-before" });

      // Checks are tests: running them materializes nothing and writes no value.
      const storedBefore = storageTimes(root);
      const materializedBefore = readRunIndex(root)?.assets;
      const first = await runAllTests(api);
      note(`      ${describeResults(first)}`);
      assert.deepEqual(storageTimes(root), storedBefore, "running the checks wrote a stored value");
      for (const key of new Set(expected.map((item) => item.key)))
        assert.equal(
          readRunIndex(root)?.assets[key]?.lastSuccess?.runId,
          materializedBefore?.[key]?.lastSuccess?.runId,
          `running the checks materialized ${key} again`,
        );
      for (const item of expected) {
        assert.equal(outcomeOf(first, item), "passed", `${item.key} ${item.check}: ${JSON.stringify(first)}`);
      }

      // A completed order with a large negative amount on a day of its own: that day's revenue
      // is negative. Only the throwaway workspace copy is edited (and restored afterwards).
      const orders = path.join(root, "data", "in", "orders.csv");
      const original = fs.readFileSync(orders, "utf8");
      const cleaned = graph.assets.find((asset) => asset.key === "transform/cleaned_orders");
      assert.ok(cleaned, "the example has no transform/cleaned_orders");
      try {
        const header = original.split("\n")[0]!.split(",");
        const row: Record<string, string> = {
          order_id: "E2E-NEGATIVE",
          customer_id: "C001",
          order_date: "2020-01-01",
          amount: "-100000",
          currency: "EUR",
          status: "completed",
        };
        assert.deepEqual([...header].sort(), Object.keys(row).sort(), "orders.csv has other columns");
        fs.writeFileSync(orders, `${original.trimEnd()}\n${header.map((column) => row[column]).join(",")}\n`);
        const refreshed = await runCommand(Commands.runAssetWithUpstream, {
          key: NON_NEGATIVE.key,
          rootUri: rootUri(root),
        });
        // The negative day fails daily_revenue's blocking check: the run fails, the value is stored.
        assert.equal(refreshed?.status, "failure", "the blocking check non_negative did not fail the run");

        const second = await runAllTests(api);
        note(`      with a negative day: ${describeResults(second)}`);
        assert.equal(outcomeOf(second, NON_NEGATIVE), "failed", `${JSON.stringify(second)}`);
        for (const item of expected.filter((other) => other.check !== NON_NEGATIVE.check)) {
          assert.equal(
            outcomeOf(second, item),
            "passed",
            `${item.key} ${item.check}: ${JSON.stringify(second)}`,
          );
        }
        const view = await askLauncher("testing-view", { shot: "testing-failed" });
        if (view) {
          const rows = view["rows"] as string[];
          // The rows of the assets (their checks are children, collapsed): the asset failed.
          const row = rows.find((label) => label.startsWith(`${NON_NEGATIVE.key} `));
          assert.ok(row, `the Test Explorer shows no row for ${NON_NEGATIVE.key}: ${JSON.stringify(rows)}`);
          assert.match(
            row,
            /\(Failed\)/,
            `the Test Explorer's row of ${NON_NEGATIVE.key} does not say failed`,
          );
          for (const other of rows.filter((label) => label !== row))
            assert.match(other, /\(Passed\)/, `a row of the Test Explorer: ${other}`);
        }
      } finally {
        fs.writeFileSync(orders, original);
      }
    });

    it("one asset's state reads the same in status, lens, hover, Assets view and lineage view", async function () {
      // After the Test Explorer run above, daily_revenue's blocking check has failed on its
      // stored value: every place that shows its state must say so, in the same words.
      const { key } = NON_NEGATIVE;
      const asset = graph.assets.find((candidate) => candidate.key === key)!;
      const status = (
        JSON.parse(runCli(root, ["status", "--json"])) as {
          assets: { key: string; state: string; title: string }[];
        }
      ).assets.find((entry) => entry.key === key);
      assert.equal(status?.state, "check-failed", `assetline status: ${JSON.stringify(status)}`);
      const words = status.title;
      note(`      assetline status: ${words}`);

      const uri = vscode.Uri.file(path.join(root, asset.file));
      await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.One });
      const lens = await untilSettled(
        api,
        async () =>
          (await lensesFor(api, uri, [key])).find(
            (candidate) => lensArgs(candidate)?.key === key && candidate.command?.title === words,
          ),
        `a lens of ${key} titled "${words}"`,
      );
      assert.ok(lens);

      const text = (await vscode.workspace.openTextDocument(uri)).getText();
      const at = (await vscode.workspace.openTextDocument(uri)).positionAt(text.indexOf(`"${key}"`) + 2);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        "vscode.executeHoverProvider",
        uri,
        at,
      );
      const hovered = hovers
        .flatMap((hover) => hover.contents)
        .map((content) => (typeof content === "string" ? content : content.value))
        .join("\n");
      assert.equal(/Run state: (.*?)(?: — |$)/m.exec(hovered)?.[1], words, `the hover says: ${hovered}`);

      // What a person sees in the Assets view and on the lineage node (and its hover card).
      await vscode.commands.executeCommand("assetline.assets.focus");
      const tree = await askLauncher("view-rows", {
        view: "Assets",
        contains: key,
        shot: "state-assets-view",
      });
      if (tree) {
        const row = (tree["rows"] as { label: string; description: string }[]).find(
          (each) => each.label === key,
        );
        assert.equal(row?.description, words, "the Assets view's row");
      }
      const rendered = api.nextLineageRender();
      await vscode.commands.executeCommand(Commands.showLineage, { key, rootUri: rootUri(root) });
      await withDeadline(rendered, 30_000, "the lineage view never reported a render");
      const node = await askLauncher("hover-node", { key, shot: "state-lineage-node" });
      if (node) {
        assert.match(String(node["stateLine"]), /^check failed\b/, "the node's state line");
        assert.equal((node["card"] as Record<string, string>)["state"], words, "the node's hover card");
      }
    });

    it("a failed run marks the line that threw until the next success; its ✗ failed lens opens that line", async function () {
      // The raw orders' source file goes missing: reading it throws in the project's own code
      // (the shop's files resource), which is where the mark goes: the top frame in the workspace.
      const ingest = graph.assets.find((asset) => asset.key === "ingest/raw_orders");
      assert.ok(ingest, "the example has no ingest/raw_orders");
      const ingestUri = vscode.Uri.file(path.join(root, ingest.file));
      const orders = path.join(root, "data", "in", "orders.csv");
      const aside = `${orders}.e2e-aside`;
      const isFailure = (d: vscode.Diagnostic) =>
        diagnosticCode(d) === "asset-failed" && d.message.startsWith("ingest/raw_orders failed");
      const marks = () =>
        vscode.languages
          .getDiagnostics()
          .flatMap(([uri, diagnostics]) => diagnostics.filter(isFailure).map((d) => ({ uri, d })));
      const untilMarks = (accept: (found: number) => boolean) =>
        new Promise<void>((resolve) => {
          if (accept(marks().length)) return resolve();
          const subscription = vscode.languages.onDidChangeDiagnostics(() => {
            if (!accept(marks().length)) return;
            subscription.dispose();
            resolve();
          });
        });
      fs.renameSync(orders, aside);
      try {
        const marked = untilMarks((found) => found > 0);
        const outcome = await runCommand(Commands.runAsset, { key: ingest.key, rootUri: rootUri(root) });
        assert.equal(outcome?.status, "failure", "the run without its source file did not fail");
        await withDeadline(marked, 30_000, "no asset-failed diagnostic appeared");
        const [{ uri, d }] = marks() as [{ uri: vscode.Uri; d: vscode.Diagnostic }];
        const line = d.range.start.line;
        note(`      asset-failed at ${vscode.workspace.asRelativePath(uri)}:${line + 1}: ${d.message}`);
        assert.match(d.message, /orders\.csv/, "the diagnostic says what failed");
        assert.ok(uri.fsPath.startsWith(root), "the mark is in the workspace's own code");

        // The state lens of the failed asset opens the failure, not the lineage.
        await vscode.window.showTextDocument(ingestUri, {
          preview: false,
          viewColumn: vscode.ViewColumn.One,
        });
        const failedLens = await untilSettled(
          api,
          async () => {
            const lenses = await lensesFor(api, ingestUri, [ingest.key]);
            try {
              return lensOf(lenses, ingest.key, Commands.showFailure);
            } catch {
              return undefined;
            }
          },
          "a ✗ failed lens on ingest/raw_orders",
        );
        assert.match(failedLens.title, /failed/);
        const arrived = untilEditorAt(uri.fsPath, line);
        await vscode.commands.executeCommand(failedLens.command, ...commandArgs(failedLens));
        await withDeadline(arrived, 15_000, `the ✗ failed lens did not open ${uri.fsPath}:${line + 1}`);
        // What a person sees: the file that threw is the active tab, the cursor on the marked line.
        const seen = await askLauncher("editor-state", {
          tab: path.basename(uri.fsPath),
          shot: "failure-at-the-code",
        });
        if (seen)
          assert.match(
            String(seen["cursor"]),
            new RegExp(`^Ln ${line + 1},`),
            "the status bar's cursor line",
          );

        // The failed asset's lineage card links the same line ("failed · go to error").
        const rendered = api.nextLineageRender();
        await vscode.commands.executeCommand(Commands.showLineage, {
          key: ingest.key,
          rootUri: rootUri(root),
        });
        await withDeadline(rendered, 30_000, "the lineage view never reported a render");
        await vscode.window.showTextDocument(ingestUri, {
          preview: false,
          viewColumn: vscode.ViewColumn.One,
        });
        const fromCard = untilEditorAt(uri.fsPath, line);
        if (await askLauncher("click-node", { key: ingest.key, part: "text.sub.link" }))
          await withDeadline(
            fromCard,
            15_000,
            `the card's "go to error" did not open ${uri.fsPath}:${line + 1}`,
          );
      } finally {
        fs.renameSync(aside, orders);
      }
      // The next successful run clears the mark.
      const cleared = untilMarks((found) => found === 0);
      const again = await runCommand(Commands.runAsset, { key: ingest.key, rootUri: rootUri(root) });
      assert.equal(again?.status, "success");
      await withDeadline(cleared, 30_000, "the asset-failed diagnostic stayed after a successful run");
    });

    it("a partitioned asset: a backfill shows its health on the lens and the node; a partition picked from the quick pick runs", async function () {
      // A daily asset whose first partition began five days ago, added to the workspace copy.
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      const file = path.join(root, "src", "e2e-partitions.ts");
      const definitions = path.join(root, "src", "definitions.ts");
      const original = fs.readFileSync(definitions, "utf8");
      fs.writeFileSync(
        file,
        `import { asset, check, dailyPartitions } from "assetline";\n` +
          `export const e2eDaily = asset("e2e/daily", { partitions: dailyPartitions({ start: "${day(-5)}" }) }, (ctx) => ctx.partition!.key);\n` +
          `export const e2eIsKey = check(e2eDaily, "is_its_key", (ctx, value) => value === ctx.partition!.key);\n`,
      );
      fs.writeFileSync(definitions, `${original}\nexport { e2eDaily, e2eIsKey } from "./e2e-partitions";\n`);
      const key = "e2e/daily";
      const uri = vscode.Uri.file(file);
      const args = { key, rootUri: rootUri(root) };
      try {
        await untilSettled(
          api,
          () => Promise.resolve(api.status?.assets === graph.assets.length + 1 ? true : undefined),
          "the new asset in the graph",
        );
        // A backfill of the first three of its five partitions.
        const backfill = await runCommand(Commands.runAsset, args, { start: day(-5), end: day(-3) });
        assert.equal(backfill?.status, "success", `the backfill failed: ${JSON.stringify(backfill)}`);
        await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.One });
        const health = await untilSettled(
          api,
          async () => {
            const titles = (await lensesFor(api, uri, [key])).map((lens) => lens.command?.title ?? "");
            return titles.find((title) => title.includes("3/5 materialized"));
          },
          "the lens's partition health after the backfill",
        );
        note(`      lens: ${health}`);
        assert.match(health, /^▮▮▯▯ 3\/5 materialized/);

        // The lineage node's health bar: materialized and missing segments.
        const rendered = api.nextLineageRender();
        await vscode.commands.executeCommand(Commands.showLineage, args);
        await withDeadline(rendered, 30_000, "the lineage view never reported a render");
        const bar = await askLauncher("node-health", { key, shot: "partitions-node-health" });
        if (bar) {
          const segments = bar["segments"] as { state: string; width: number }[];
          assert.deepEqual(
            segments.map((s) => s.state),
            ["partition-materialized", "partition-missing"],
            "the node's health bar",
          );
          assert.ok(segments[0]!.width > segments[1]!.width, "3 of 5 partitions are the larger segment");
        }

        // The Run lens asks which partition: the latest (yesterday's) is picked in the quick pick.
        await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.One });
        const run = lensOf(await lensesFor(api, uri, [key]), key, Commands.runAsset);
        const outcome = runCommand(run.command, ...commandArgs(run));
        const picked = await askLauncher("quick-pick", { choose: day(-1), shot: "partitions-quick-pick" });
        if (!picked) this.skip();
        const labels = picked["labels"] as string[];
        assert.match(labels[0] ?? "", /All missing, failed or stale/);
        assert.ok(
          labels.findIndex((l) => l.includes(day(-1))) < labels.findIndex((l) => l.includes(day(-5))),
          `the latest partition comes first: ${JSON.stringify(labels)}`,
        );
        const result = await withDeadline(
          Promise.resolve(outcome),
          60_000,
          "the picked partition's run never ended",
        );
        assert.equal(result?.status, "success");
        const stored = path.join(root, ".assetline", "storage", "e2e", "daily", `${day(-1)}.json`);
        assert.equal(
          JSON.parse(fs.readFileSync(stored, "utf8")),
          day(-1),
          "the picked partition was materialized",
        );

        // Its check, from the check's lens command: run on the latest materialized partition.
        const checked = new Promise<CheckRunResult[]>((resolve) => {
          const subscription = api.onDidRunChecks((results) => {
            subscription.dispose();
            resolve(results);
          });
        });
        const mtime = fs.statSync(stored).mtimeMs;
        const lastRun = readRunIndex(root)?.assets[key]?.lastSuccess?.runId;
        await vscode.commands.executeCommand(Commands.runCheck, { ...args, check: "is_its_key" });
        const results = await withDeadline(checked, 60_000, "the check's run never ended");
        assert.deepEqual(results, [{ key, check: "is_its_key", outcome: "passed" }]);
        assert.equal(fs.statSync(stored).mtimeMs, mtime, "checking wrote the stored value again");
        assert.equal(
          readRunIndex(root)?.assets[key]?.lastSuccess?.runId,
          lastRun,
          "checking materialized it",
        );
      } finally {
        fs.writeFileSync(definitions, original);
        fs.rmSync(file, { force: true });
      }
    });

    it("Materialize Selection… from the palette says what a typed selection matches and runs it; Recent Runs shows the run", async function () {
      const selection = "+transform/daily_revenue";
      const expected = describeRunSelection(selection, graph.assets);
      assert.ok(expected.keys, expected.message);
      const before = new Set(runFolders(root));
      const done = vscode.commands.executeCommand<RunOutcome | undefined>("assetline.materializeSelection");
      // Typed key by key, half a key: the rows under the text complete it (the lineage filter's
      // completion); the first of them (ArrowDown, Enter) completes the key, and the first row
      // then says what the selection materializes; Enter runs it.
      const typed = await askLauncher("type-input", {
        text: "+transform/daily_rev",
        until: "transform/daily_revenue",
        enter: false,
        shot: "materialize-selection-typing",
      });
      if (!typed) {
        await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
        this.skip();
      }
      assert.ok(
        (typed["rows"] as string[]).slice(1).some((row) => row.startsWith("transform/daily_revenue")),
        `no completion of the key: ${JSON.stringify(typed["rows"])}`,
      );
      const completed = await askLauncher("type-input", {
        keys: ["ArrowDown", "Enter"],
        until: expected.message,
        first: true,
        enter: false,
        shot: "materialize-selection",
      });
      const first = (completed?.["rows"] as string[] | undefined)?.[0] ?? "";
      assert.ok(first.includes(expected.message), `the first row says what runs: ${first}`);
      assert.ok(first.includes(`Materialize ${selection}`), `the completed text: ${first}`);
      await askLauncher("type-input", { keys: [], enter: true, shot: "materialize-selection-run" });
      const outcome = await withDeadline(Promise.resolve(done), 120_000, "the selection's run never ended");
      assert.equal(outcome?.status, "success", `the run of ${selection}`);
      const [runId, ...others] = runFolders(root).filter((id) => !before.has(id));
      assert.ok(runId && others.length === 0, "one new run was recorded");
      const events = fs
        .readFileSync(path.join(root, ".assetline", "runs", runId, "events.ndjson"), "utf8")
        .split("\n")
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as { type: string; time: string; key?: string; assets?: string[] });
      const ran = events.filter((event) => event.type === "asset_success").map((event) => event.key!);
      assert.deepEqual([...ran].sort(), [...expected.keys].sort(), "the assets the run materialized");

      // Recent Runs: the run on top, titled by what ran; under it each asset, materialized, with its time.
      await vscode.commands.executeCommand("assetline.runs.focus");
      const title = `transform/daily_revenue and ${expected.keys.length - 1} upstream assets`;
      // The row of this run: its start time, in this window's locale, is in its description.
      const startedAt = new Date(events.find((event) => event.type === "run_start")!.time).toLocaleString();
      const view = await askLauncher("view-rows", {
        view: "Recent Runs",
        contains: startedAt,
        expand: true,
        shot: "recent-runs",
      });
      if (!view) return;
      const rows = view["rows"] as { label: string; description: string }[];
      assert.equal(rows[0]?.label, title, "the newest run is the first row");
      assert.match(rows[0].description, /^success · [\d.]+ (ms|s) · local · /, "the run's row");
      const steps = rows.slice(1, 1 + expected.keys.length);
      assert.deepEqual(
        steps.map((row) => row.label).sort(),
        [...expected.keys].sort(),
        "the run's assets under it",
      );
      for (const row of steps)
        assert.match(row.description, /^materialized · [\d.]+ (ms|s)$/, `the row of ${row.label}`);

      // The run ran daily_revenue's check on the new value: the Test Explorer shows that result
      // (it said failed since the negative day), without a Test Explorer run.
      await vscode.commands.executeCommand("workbench.view.testing.focus");
      const testing = await askLauncher("testing-view", { shot: "testing-after-materialize" });
      const row = (testing?.["rows"] as string[] | undefined)?.find((label) =>
        label.startsWith(`${NON_NEGATIVE.key} `),
      );
      assert.match(row ?? "", /\(Passed\)/, `the Test Explorer's row of ${NON_NEGATIVE.key}`);
    });
  });
}

function rootUri(root: string): string {
  return vscode.Uri.file(root).toString();
}

function runCommand(command: string, ...args: unknown[]): Thenable<RunOutcome | undefined> {
  return vscode.commands.executeCommand<RunOutcome | undefined>(command, ...args);
}

/** `testing.runAll`, as the Test Explorer's "Run Tests" does; resolves with the checks' outcomes. */
async function runAllTests(api: AssetlineApi): Promise<CheckRunResult[]> {
  const results = new Promise<CheckRunResult[]>((resolve) => {
    const subscription = api.onDidRunChecks((checks) => {
      subscription.dispose();
      resolve(checks);
    });
  });
  await vscode.commands.executeCommand("testing.runAll");
  return withDeadline(results, 90_000, "the Test Explorer's run of the checks never ended");
}

function outcomeOf(results: CheckRunResult[], item: { key: string; check: string }): string | undefined {
  return results.find((result) => result.key === item.key && result.check === item.check)?.outcome;
}

function describeResults(results: CheckRunResult[]): string {
  return results.map((result) => `${result.key} ${result.check}: ${result.outcome}`).join(", ");
}

/** Resolves with the active editor once it shows `file` with the cursor on `line` (0-based). */
function untilEditorAt(file: string, line: number): Promise<vscode.TextEditor> {
  return new Promise((resolve) => {
    const subscriptions: vscode.Disposable[] = [];
    const check = () => {
      const editor = vscode.window.activeTextEditor;
      if (editor?.document.uri.fsPath !== file || editor.selection.active.line !== line) return;
      for (const subscription of subscriptions) subscription.dispose();
      resolve(editor);
    };
    subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(check),
      vscode.window.onDidChangeTextEditorSelection(check),
    );
  });
}
