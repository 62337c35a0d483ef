/**
 * The held-out workspaces (test/fixtures/heldout*): each has an expected.json written by hand
 * from the spec, before its author read the analyser. The unit suite compares it with
 * `analyzeProject`, the LSP suite with what the real server answers and publishes.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { AssetGraph } from "@assetline/core";

export interface ExpectedAsset {
  key: string;
  file: string;
  line?: number;
  deps?: string[];
  ins?: Record<string, string>;
  checks?: string[];
  generated?: boolean;
}

export interface ExpectedDiagnostic {
  file: string;
  line: number;
  code: string;
  severity: string;
  messageIncludes?: string;
}

export interface Expected {
  assets: ExpectedAsset[];
  /** Keys that may or may not be listed; when listed they must match. */
  optional: string[];
  /** No key may contain any of these. */
  absent: string[];
  diagnostics: ExpectedDiagnostic[];
  /** Files with a syntax error: their own diagnostics are not compared (only that each has one). */
  syntaxErrorFiles: string[];
}

/** A diagnostic as compared: where (file relative to the root, 1-based line), what and how bad. */
export interface SeenDiagnostic {
  file: string;
  line: number;
  code: string;
  severity: string;
  message: string;
}

const fixtures = path.resolve(__dirname, "..", "fixtures");

/** Every fixture folder named `heldout*` with an expected.json. */
export const heldoutFixtures = fs
  .readdirSync(fixtures)
  .filter((name) => name.startsWith("heldout") && fs.existsSync(path.join(fixtures, name, "expected.json")))
  .sort();

export function loadExpected(root: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(root, "expected.json"), "utf8")) as Expected;
}

/** Keys, locations, edges, inputs, checks and `generated` of every expected asset; no extra key. */
export function compareAssets(graph: Pick<AssetGraph, "assets">, expected: Expected): void {
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
  const pick = (want: ExpectedAsset, from: ExpectedAsset) => ({
    key: from.key,
    file: from.file,
    ...(want.line !== undefined ? { line: from.line } : {}),
    ...(want.deps !== undefined ? { deps: [...(from.deps ?? [])].sort() } : {}),
    ...(want.ins !== undefined ? { ins: from.ins } : {}),
    ...(want.checks !== undefined ? { checks: [...(from.checks ?? [])].sort() } : {}),
    ...(want.generated !== undefined ? { generated: from.generated } : {}),
  });
  const actual = expected.assets.map((want) => {
    const node = graph.assets.find((asset) => asset.key === want.key);
    return node ? pick(want, node) : { key: want.key, missing: true };
  });
  assert.deepEqual(
    actual,
    expected.assets.map((want) => pick(want, want)),
  );
}

/**
 * The same multiset of (file, line, code, severity) outside the files with a syntax error, and
 * each expected message fragment. `syntaxErrorsReported`: whether the source reports syntax
 * errors itself (the CLI does; the server leaves them to TypeScript's own diagnostics).
 */
export function compareDiagnostics(
  seen: SeenDiagnostic[],
  expected: Expected,
  syntaxErrorsReported = true,
): void {
  const describe = (d: { file: string; line: number; code: string; severity: string }): string =>
    `${d.file}:${d.line} ${d.code} ${d.severity}`;
  const got = seen.filter((d) => !expected.syntaxErrorFiles.includes(d.file));
  assert.deepEqual(got.map(describe).sort(), expected.diagnostics.map(describe).sort());
  for (const want of expected.diagnostics) {
    if (!want.messageIncludes) continue;
    const match = got.find(
      (d) => describe(d) === describe(want) && d.message.includes(want.messageIncludes as string),
    );
    assert.ok(match, `${describe(want)}: no message mentions ${want.messageIncludes}`);
  }
  if (!syntaxErrorsReported) return;
  for (const broken of expected.syntaxErrorFiles) {
    assert.ok(
      seen.some((d) => d.file === broken && d.severity === "error"),
      `no error in ${broken}`,
    );
  }
}
