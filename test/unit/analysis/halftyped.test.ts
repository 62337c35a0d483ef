import assert from "node:assert/strict";
import type { AssetGraph } from "@assetline/core";
import { collect, removeTemps, requireBuiltCli, startCli, tempProject } from "../sdk/helpers";

/**
 * Import and export clauses the parser recovers from with an empty name. Each once hung the
 * analysis for good (a word search for the empty string never advanced), so each runs in a
 * process of its own under a time limit: the real `assetline graph --json`, as CI calls it.
 */
const HALF_TYPED: Record<string, string> = {
  "a namespace import without its name": "import * as \nconst x = 1;",
  "a namespace import at the file's end": "import * as ",
  "a renamed import without its new name": 'import { X as } from "./other";',
  "a namespace import named by a number": "import * as 1",
  "an import of a string name": 'import { "😭" } from "./other";',
  "an export without its name": "export * as \nconst y = 2;",
  "a renamed export without its new name": 'export { X as } from "./other";',
  "a default import without from": "import x\nlet z = 3;",
  "an alias of the library without its name": "const = asset;\nconst w = 4;",
  "a destructured alias without a name": "const { : a } = { asset };",
};

describe("analysis of half-typed imports and exports ends (assetline graph, each under a time limit)", function () {
  this.timeout(60_000);
  before(requireBuiltCli);
  after(removeTemps);

  for (const [name, text] of Object.entries(HALF_TYPED)) {
    for (const where of ["first", "after the library import"] as const) {
      it(`${name}, ${where}: the graph within 20 s, other assets kept`, async function () {
        const pipeline =
          'import { asset } from "assetline";\nexport const kept = asset("x/kept", {}, () => 1);\n';
        const root = tempProject({
          "assetline.config.json": "{}\n",
          "src/pipeline.ts": pipeline,
          "src/other.ts": "export const X = 1;\n",
          "src/half.ts":
            where === "first"
              ? `${text}\nimport { asset } from "assetline";\nexport const half = asset("x/half", {}, () => 1);\n`
              : `import { asset } from "assetline";\n${text}\nexport const half = asset("x/half", {}, () => 1);\n`,
        });
        const child = startCli(["graph", "--json", "--root", root]);
        const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
        const result = await collect(child).finally(() => clearTimeout(timer));
        assert.equal(result.signal, null, `killed after 20 s: the analysis did not end (${result.stderr})`);
        const graph = JSON.parse(result.stdout) as AssetGraph;
        assert.ok(
          graph.assets.some((asset) => asset.key === "x/kept"),
          JSON.stringify(graph.assets.map((asset) => asset.key)),
        );
      });
    }
  }
});
