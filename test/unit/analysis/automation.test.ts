/**
 * Automation conditions read statically, through constants, helpers and namespace imports, by
 * the library's own functions; an unusable cron string or time zone is `invalid-automation` on
 * the very string.
 */
import assert from "node:assert/strict";
import type { AssetGraph } from "@assetline/core";
import { analyzeProject } from "../../../analysis/src/index";
import { fixture, locate } from "./helpers";

describe("analyzeProject: automation (test/fixtures/automation)", function () {
  const root = fixture("automation");
  let graph: AssetGraph;
  before(function () {
    graph = analyzeProject(root);
  });
  const automationOf = (key: string) => graph.assets.find((a) => a.key === key)?.automation;

  it("carries each asset's condition as written and as data", function () {
    assert.equal(automationOf("auto/cleaned"), "eager()");
    assert.equal(automationOf("auto/report"), 'onCron("0 6 * * *", "Europe/Berlin")');
    assert.equal(automationOf("auto/filled"), "onMissing()");
    assert.equal(automationOf("auto/both"), "and(eager(), not(anyDepsMissing()))");
    assert.equal(automationOf("auto/plain"), undefined);
    assert.deepEqual(graph.assets.find((a) => a.key === "auto/report")?.automationCondition, {
      type: "onCron",
      cron: "0 6 * * *",
      timezone: "Europe/Berlin",
    });
  });

  it("reports an unparsable cron string or time zone at the string, and a value that is no condition", function () {
    const found = graph.diagnostics
      .filter((d) => d.code === "invalid-automation")
      .map((d) => ({ line: d.line, column: d.column, message: d.message }));
    const hour = locate(root, "src/pipeline.ts", '"0 25 * * *"');
    const zone = locate(root, "src/pipeline.ts", '"Europe/Berln"');
    const value = locate(root, "src/pipeline.ts", '"eager" as never');
    const helped = locate(root, "src/pipeline.ts", 'at("0 24 * * *")');
    assert.deepEqual(found, [
      {
        line: hour.line,
        column: hour.column,
        message:
          '"0 25 * * *" is not a cron expression (Invalid value for hour: 25): write five fields, e.g. "0 6 * * *" for 06:00 daily.',
      },
      {
        line: zone.line,
        column: zone.column,
        message: '"Europe/Berln" is not a time zone: use an IANA name such as "Europe/Berlin", or "UTC".',
      },
      {
        line: value.line,
        column: value.column,
        message:
          "This is not an automation condition; write eager(), onCron(...), onMissing() or a combination of them.",
      },
      // Built by a helper of another module from its parameter: where the helper is called.
      {
        line: helped.line,
        column: helped.column,
        message:
          '"0 24 * * *" is not a cron expression (Invalid value for hour: 24): write five fields, e.g. "0 6 * * *" for 06:00 daily.',
      },
    ]);
  });
});
