import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyzeProject } from "../../../analysis/src/index";
import {
  compareAssets,
  compareDiagnostics,
  heldoutFixtures,
  loadExpected,
} from "../../support/expected-graph";
import { fixture } from "./helpers";

/**
 * test/fixtures/heldout*: workspaces written from the docs only (every reference, factory and
 * diagnostic pattern of the spec, in varied styles), each with its expected graph written by
 * hand in expected.json. Compared on keys, locations, edges, inputs, checks, `generated` and
 * the diagnostics (file, line, code, severity; and part of the message where it matters).
 */
for (const name of heldoutFixtures) {
  const root = fixture(name);
  const expected = loadExpected(root);

  describe(`analyzeProject: the held-out workspace test/fixtures/${name} (expected.json by hand)`, function () {
    this.timeout(60_000);

    it("matches expected.json with the fixture's declaration-only assetline package", function () {
      const graph = analyzeProject(root);
      compareAssets(graph, expected);
      compareDiagnostics(graph.diagnostics, expected);
    });

    it("matches expected.json with the real library (a copy without node_modules, as the CLI does)", function () {
      const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `assetline-${name}-`)));
      try {
        fs.cpSync(root, dir, { recursive: true });
        const ownEntry = path.resolve(__dirname, "..", "..", "..", "sdk", "src", "index.ts");
        const graph = analyzeProject(dir, { libraryFallback: ownEntry });
        compareAssets(graph, expected);
        compareDiagnostics(graph.diagnostics, expected);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
