import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AnalysisSession, analyzeProject } from "../../../analysis/src/index";
import { installFakeLibrary } from "../../support/fake-library.cjs";

/**
 * The structural program has no standard library (program.ts): names only the library declares
 * must still read as run-time values, and the type checks must still see the library's types.
 */
/** A pipeline project in a temporary folder, with the fixtures' fake `assetline` package. */
function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-programs-"));
  fs.mkdirSync(path.join(root, "src"));
  installFakeLibrary(root);
  fs.writeFileSync(path.join(root, "assetline.config.json"), "{}\n");
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, "src", name), text);
  return root;
}

describe("AnalysisSession: the structural program (no lib) and the typed program", function () {
  let root: string;

  before(function () {
    root = project({
      "pipeline.ts": [
        'import { asset } from "assetline";',
        "export const a = asset(`lib/${Math.floor(1.5)}`, {}, () => 1);",
        'export const b = asset("lib/b", { deps: [Date] }, () => 2);',
        'export const c = asset("lib/c", { deps: [notDeclaredAnywhere] }, () => 3);',
        'export const d = asset("lib/d", {}, async () => [1, 2]);',
        'export const e = asset("lib/e", { ins: { d } }, (_ctx, { d }: { d: string[] }) => d.length);',
        'export const cleanedOrders = asset("lib/cleaned_orders", {}, () => 4);',
        'export const f = asset("lib/f", { ins: { orders: cleanedOrdes } }, () => 5);',
        "",
      ].join("\n"),
    });
  });

  after(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("reads a name only the standard library declares as known at run time, not as undefined", function () {
    const graph = analyzeProject(root);
    const messages = graph.diagnostics.map((d) => `${d.code}: ${d.message}`);
    assert.ok(
      messages.includes(
        "dynamic-asset: This asset's key cannot be evaluated statically (`Math` is known only at run time); it is not in the graph.",
      ),
      messages.join("\n"),
    );
    // `Date` is the library's: a run-time value, not an undefined name (no unknown-asset for it);
    // the dependency it stands for is not in the graph, which is said (info), never left silent.
    assert.ok(
      !messages.some((m) => m.startsWith("unknown-asset") && m.includes("`Date`")),
      messages.join("\n"),
    );
    assert.ok(
      messages.includes(
        "dynamic-asset: This dependency cannot be evaluated statically (`Date` is known only at run time); it is not in the graph.",
      ),
      messages.join("\n"),
    );
    // A name declared nowhere is still reported.
    assert.ok(messages.includes("unknown-asset: `notDeclaredAnywhere` is not defined."), messages.join("\n"));
    // A misspelt asset variable says which one was meant.
    assert.ok(
      messages.includes("unknown-asset: `cleanedOrdes` is not defined. Did you mean `cleanedOrders`?"),
      messages.join("\n"),
    );
  });

  it("type checks with the standard library's types (the awaited Promise of an async compute)", function () {
    const graph = analyzeProject(root);
    const mismatch = graph.diagnostics.find((d) => d.code === "input-type-mismatch");
    assert.equal(mismatch?.message, 'Input "d" is declared as string[], but "lib/d" produces number[].');
  });

  it("type checks the files as analysed, even when one changed since (the typed program is a snapshot)", function () {
    // No name of the standard library here: the typed program is first built by the type checks.
    const other = project({
      "model.ts": "export type Out = string[];\n",
      "pipeline.ts": [
        'import { asset } from "assetline";',
        'import type { Out } from "./model";',
        'export const d = asset("lib/d", {}, async () => [1, 2]);',
        'export const f = asset("lib/f", { ins: { d } }, (_ctx, { d }: { d: Out }) => d.length);',
        "",
      ].join("\n"),
    });
    try {
      const session = new AnalysisSession(other);
      session.analyze();
      // Edited after the analysis, before its type checks: they still describe the analysed text.
      session.setFileText(path.join(other, "src", "model.ts"), "export type Out = number[];\n");
      const job = session.typeCheckJob()!;
      job.step();
      assert.deepEqual(
        job.diagnostics.map((d) => d.message),
        ['Input "d" is declared as Out, but "lib/d" produces number[].'],
      );
      // The next analysis sees the edit.
      session.analyze();
      const next = session.typeCheckJob()!;
      next.step();
      assert.deepEqual(next.diagnostics, []);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

describe("AnalysisSession: an assetline package installed without its declarations", function () {
  it("reads its sources under the assetline-source condition, and says so", function () {
    const root = project({
      "pipeline.ts": [
        'import { asset } from "assetline";',
        'export const a = asset("nodts/a", {}, () => 1);',
        "",
      ].join("\n"),
    });
    try {
      // The fake package rebuilt as a checkout bundled without .d.ts: JavaScript by default,
      // TypeScript sources under the condition.
      const library = path.join(root, "node_modules", "assetline");
      fs.mkdirSync(path.join(library, "src"));
      fs.mkdirSync(path.join(library, "dist"));
      fs.renameSync(path.join(library, "index.d.ts"), path.join(library, "src", "index.ts"));
      fs.writeFileSync(path.join(library, "dist", "index.js"), "module.exports = {};\n");
      fs.writeFileSync(
        path.join(library, "package.json"),
        JSON.stringify({
          name: "assetline",
          exports: { ".": { "assetline-source": "./src/index.ts", default: "./dist/index.js" } },
        }),
      );
      fs.writeFileSync(
        path.join(root, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: { module: "Preserve", moduleResolution: "Bundler", strict: true },
        }),
      );
      const logged: string[] = [];
      const graph = analyzeProject(root, { log: (message) => logged.push(message) });
      assert.deepEqual(
        graph.assets.map((asset) => asset.key),
        ["nodts/a"],
        logged.join("\n"),
      );
      assert.ok(
        logged.some((line) => /has no type declarations .*; analysing with its sources/.test(line)),
        logged.join("\n"),
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
