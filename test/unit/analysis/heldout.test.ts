import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AssetGraph } from "@assetline/protocol";
import { analyzeProject } from "../../../server/src/analysis/index";
import { fixture } from "./helpers";

/**
 * test/fixtures/heldout: a workspace written from the docs only (every reference, factory and
 * diagnostic pattern of the spec, in varied styles), with its expected graph written by hand in
 * expected.json. Compared on keys, locations, edges, inputs, checks, `generated` and the
 * diagnostics (file, line, code, severity; and part of the message where it matters).
 */

interface ExpectedAsset {
  key: string;
  file: string;
  line?: number;
  deps?: string[];
  ins?: Record<string, string>;
  checks?: string[];
  generated?: boolean;
}
interface ExpectedDiagnostic {
  file: string;
  line: number;
  code: string;
  severity: string;
  messageIncludes?: string;
}
interface Expected {
  assets: ExpectedAsset[];
  optional: string[];
  absent: string[];
  diagnostics: ExpectedDiagnostic[];
  /** Files with a syntax error: their own diagnostics are not compared (only that each has one). */
  syntaxErrorFiles: string[];
}

const root = fixture("heldout");
const expected = JSON.parse(fs.readFileSync(path.join(root, "expected.json"), "utf8")) as Expected;

function compare(graph: AssetGraph): void {
  // Keys: every expected asset, none unexpected (optional ones may be either way).
  const keys = graph.assets.map((asset) => asset.key);
  const allowed = new Set([...expected.assets.map((asset) => asset.key), ...expected.optional]);
  assert.deepEqual(
    keys.filter((key) => !allowed.has(key)),
    [],
    "assets that should not be in the graph",
  );
  for (const part of expected.absent) {
    assert.ok(!keys.some((key) => key.includes(part)), `no key may contain "${part}"`);
  }
  const actual = expected.assets.map((want) => {
    const node = graph.assets.find((asset) => asset.key === want.key);
    if (!node) return { key: want.key, missing: true };
    return {
      key: node.key,
      file: node.file,
      ...(want.line !== undefined ? { line: node.line } : {}),
      ...(want.deps !== undefined ? { deps: [...node.deps].sort() } : {}),
      ...(want.ins !== undefined ? { ins: node.ins } : {}),
      ...(want.checks !== undefined ? { checks: [...node.checks].sort() } : {}),
      ...(want.generated !== undefined ? { generated: node.generated } : {}),
    };
  });
  const wanted = expected.assets.map((want) => ({
    key: want.key,
    file: want.file,
    ...(want.line !== undefined ? { line: want.line } : {}),
    ...(want.deps !== undefined ? { deps: [...want.deps].sort() } : {}),
    ...(want.ins !== undefined ? { ins: want.ins } : {}),
    ...(want.checks !== undefined ? { checks: [...want.checks].sort() } : {}),
    ...(want.generated !== undefined ? { generated: want.generated } : {}),
  }));
  assert.deepEqual(actual, wanted);

  // Diagnostics: the same multiset of (file, line, code, severity) outside the broken files.
  const describe = (d: { file: string; line: number; code: string; severity: string }): string =>
    `${d.file}:${d.line} ${d.code} ${d.severity}`;
  const got = graph.diagnostics.filter((d) => !expected.syntaxErrorFiles.includes(d.file));
  assert.deepEqual(got.map(describe).sort(), expected.diagnostics.map(describe).sort());
  for (const want of expected.diagnostics) {
    if (!want.messageIncludes) continue;
    const match = got.find(
      (d) => describe(d) === describe(want) && d.message.includes(want.messageIncludes as string),
    );
    assert.ok(match, `${describe(want)}: no message mentions ${want.messageIncludes}`);
  }
  // Each syntax error is reported, and hides no other file's assets (compared above).
  for (const broken of expected.syntaxErrorFiles) {
    assert.ok(
      graph.diagnostics.some((d) => d.file === broken && d.severity === "error"),
      `no error in ${broken}`,
    );
  }
}

describe("analyzeProject: the held-out workspace (test/fixtures/heldout, expected.json by hand)", function () {
  this.timeout(60_000);

  it("matches expected.json with the fixture's declaration-only assetline package", function () {
    compare(analyzeProject(root));
  });

  it("matches expected.json with the real library (a copy without node_modules, as the CLI does)", function () {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "assetline-heldout-")));
    try {
      fs.cpSync(root, dir, { recursive: true });
      const ownEntry = path.resolve(__dirname, "..", "..", "..", "sdk", "src", "index.ts");
      compare(analyzeProject(dir, { libraryFallback: ownEntry }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
