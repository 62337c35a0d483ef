import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { AnalysisSession } from "../../../analysis/src/index";
import { fixture } from "./helpers";

/**
 * Property: after any sequence of edits to unsaved buffers, the incremental session gives the
 * same graph and diagnostics as a fresh analysis of the same texts.
 */
describe("incremental re-analysis equals a fresh analysis (fast-check, test/fixtures/patterns)", function () {
  this.timeout(120_000);
  const root = fixture("patterns");
  const names = [
    "ingest.ts",
    "barrel.ts",
    "transform.ts",
    "report.ts",
    "features.ts",
    "model.ts",
    "factories.ts",
    "checks.ts",
  ];
  const files = names.map((name) => path.join(root, "src", name));
  const originals = new Map(files.map((file) => [file, fs.readFileSync(file, "utf8")]));
  const keys = [
    "ingest/raw_orders",
    "ingest/raw_customers",
    "transform/daily_revenue",
    "report/summary",
    "ml/features",
    "x/new",
  ];

  const edit = fc.oneof(
    // Rename a key where it is written.
    fc.record({
      kind: fc.constant("rename" as const),
      from: fc.constantFrom(...keys),
      to: fc.constantFrom(...keys, "ingest/raw_order"),
    }),
    // Add an asset depending on some keys (possibly creating duplicates or cycles).
    fc.record({
      kind: fc.constant("add" as const),
      key: fc.constantFrom(...keys),
      deps: fc.subarray(keys, { maxLength: 3 }),
    }),
    // Delete a line (possibly breaking the syntax).
    fc.record({ kind: fc.constant("delete" as const), line: fc.nat({ max: 30 }) }),
    // Put a file back as it is on disk.
    fc.record({ kind: fc.constant("revert" as const) }),
  );
  const step = fc.record({ file: fc.constantFrom(...files), edit });

  it("holds for 25 random sequences of 4 edits", function () {
    fc.assert(
      fc.property(fc.array(step, { minLength: 4, maxLength: 4 }), (steps) => {
        const session = new AnalysisSession(root);
        session.analyze();
        const texts = new Map(originals);
        for (const { file, edit: change } of steps) {
          let text = texts.get(file)!;
          if (change.kind === "rename") text = text.split(`"${change.from}"`).join(`"${change.to}"`);
          else if (change.kind === "add") {
            const deps = change.deps.map((key) => JSON.stringify(key)).join(", ");
            text = `${text}\nexport const added${text.length} = asset(${JSON.stringify(change.key)}, { deps: [${deps}] }, () => 1);\n`;
            if (!/import \{[^}]*\basset\b/.test(text)) text = `import { asset } from "assetline";\n${text}`;
          } else if (change.kind === "delete") {
            const lines = text.split("\n");
            lines.splice(change.line % Math.max(1, lines.length), 1);
            text = lines.join("\n");
          } else text = originals.get(file)!;
          texts.set(file, text);
          session.setFileText(file, text === originals.get(file) ? undefined : text);
          const incremental = session.analyze().graph;

          const fresh = new AnalysisSession(root);
          for (const [other, otherText] of texts) {
            if (otherText !== originals.get(other)) fresh.setFileText(other, otherText);
          }
          assert.deepEqual(incremental, fresh.analyze().graph);
        }
      }),
      { numRuns: 25, seed: 424242, endOnFailure: true },
    );
  });
});
