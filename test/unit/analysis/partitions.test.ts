/**
 * Partitions read statically: each asset's definition and mappings are the library's own
 * objects (core's constructors called on the values the analysis evaluates, through constants,
 * imported constants and factories); a definition a constructor refuses is `invalid-partitions`
 * on the offending option, an input whose partitions do not map is `partition-mismatch` on the
 * input (or on its mapping), with the sentences of core's `partitionsProblems` and `mappingProblem`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  NOT_A_PARTITIONS_DEFINITION,
  allPartitionsMapping,
  dailyPartitions,
  dimensionMapping,
  mappingProblem,
  multiPartitions,
  partitionsProblems,
  staticPartitions,
  timeWindowMapping,
  weeklyPartitions,
  type AssetGraph,
  type PartitionsDefinition,
  unknownMappingNameProblem,
} from "@assetline/core";
import { asset } from "../../../sdk/src/asset";
import { AnalysisSession, ide } from "@assetline/analysis";
import { analyzeProject } from "../../../analysis/src/index";
import { installFakeLibrary } from "../../support/fake-library.cjs";
import { fixture, locate } from "./helpers";

describe("analyzeProject: partitions (test/fixtures/partitions)", function () {
  const root = fixture("partitions");
  let graph: AssetGraph;
  before(function () {
    graph = analyzeProject(root);
  });
  const node = (key: string) => graph.assets.find((a) => a.key === key);

  it("reads definitions and mappings through constants, imported constants and factories", function () {
    assert.deepEqual(graph.diagnostics, []);
    const daily = dailyPartitions({ start: "2024-01-01" });
    const regions = staticPartitions(["eu", "us", "apac"]);
    assert.deepEqual(node("part/source")?.partitions, daily, "an external asset");
    assert.deepEqual(node("part/events")?.partitions, daily);
    assert.deepEqual(node("part/cleaned")?.partitions, daily);
    assert.deepEqual(node("part/weekly")?.partitions, weeklyPartitions({ start: "2024-01-01" }));
    assert.deepEqual(node("part/weekly")?.partitionMappings, {
      days: timeWindowMapping({ startOffset: -6 }),
    });
    assert.deepEqual(node("part/regional")?.partitions, multiPartitions({ date: daily, region: regions }));
    assert.deepEqual(node("part/by_region")?.partitions, regions);
    assert.deepEqual(node("part/by_region")?.partitionMappings, { regional: dimensionMapping("region") });
    assert.deepEqual(
      node("part/morning")?.partitions,
      dailyPartitions({ start: "2024-06-01", timezone: "Europe/Berlin", hourOffset: 6 }),
      "made by a factory in another module",
    );
    const summary = node("part/summary")!;
    assert.ok(!("partitions" in summary) && !("partitionMappings" in summary), JSON.stringify(summary));
  });
});

describe("analyzeProject: partitions problems (test/fixtures/partitions-errors)", function () {
  const root = fixture("partitions-errors");
  let graph: AssetGraph;
  before(function () {
    graph = analyzeProject(root);
  });
  const at = (file: string, needle: string, occurrence = 1) => {
    const { line, column, endLine, endColumn } = locate(root, file, needle, occurrence);
    return { file, line, column, endLine, endColumn };
  };
  /** `inner`'s range inside the first `needle` on the line of the asset `key`. */
  const inside = (key: string, needle: string, inner: string) => {
    const line = locate(root, "src/bad.ts", `"${key}"`).line;
    const text = fs.readFileSync(path.join(root, "src/bad.ts"), "utf8").split("\n")[line - 1]!;
    const column = text.indexOf(needle) + needle.indexOf(inner) + 1;
    return { file: "src/bad.ts", line, column, endLine: line, endColumn: column + inner.length };
  };
  const found = (code: string) =>
    graph.diagnostics
      .filter((d) => d.code === code)
      .map((d) => ({
        file: d.file,
        line: d.line,
        column: d.column,
        endLine: d.endLine,
        endColumn: d.endColumn,
        severity: d.severity,
        message: d.message,
      }));
  /** The sentence core gives for a definition the constructors would refuse. */
  const problem = (definition: PartitionsDefinition): string => partitionsProblems(definition).join(" ");
  const time = (options: Partial<Extract<PartitionsDefinition, { start: string }>>) =>
    ({
      type: "daily",
      start: "2024-01-01",
      timezone: "UTC",
      format: "%Y-%m-%d",
      minuteOffset: 0,
      hourOffset: 0,
      dayOffset: 0,
      endOffset: 0,
      ...options,
    }) as PartitionsDefinition;

  it("invalid-partitions on the offending option, with the library's sentences", function () {
    const daily = dailyPartitions({ start: "2024-01-01" });
    assert.deepEqual(found("invalid-partitions"), [
      {
        ...at("src/bad.ts", '"2024-13-01"'),
        severity: "error",
        message: problem(time({ start: "2024-13-01" })),
      },
      {
        ...at("src/bad.ts", '"Europe/Berln"'),
        severity: "error",
        message: problem(time({ timezone: "Europe/Berln" })),
      },
      // The key that repeats, not the first one.
      {
        ...at("src/bad.ts", '"a"', 2),
        severity: "error",
        message: problem({ type: "static", keys: ["a", "b", "a"] }),
      },
      {
        ...at("src/bad.ts", '"y|z"'),
        severity: "error",
        message: problem({
          type: "multi",
          dimensions: [
            { name: "date", partitions: daily },
            { name: "region", partitions: { type: "static", keys: ["x", "y|z"] } },
          ],
        }),
      },
      {
        ...at("src/bad.ts", '"daily" as never'),
        severity: "error",
        message:
          "it is not a partitions definition; write dailyPartitions({ start }), staticPartitions([...]), multiPartitions({...}), ...",
      },
      // Made by a factory of another module from its parameter: where the factory is called.
      {
        ...at("src/bad.ts", 'localDays("2024-02-31")'),
        severity: "error",
        message: problem(time({ start: "2024-02-31", timezone: "Europe/Berlin" })),
      },
      // In the module that declares the constant (it throws when that module loads).
      {
        ...at("src/calendar.ts", '"2024-03-01"'),
        severity: "error",
        message: problem(time({ start: "2024-03-10", end: "2024-03-01" })),
      },
      // Written inside a helper of another module: there.
      {
        ...at("src/calendar.ts", '"2024-02-30"'),
        severity: "error",
        message: problem(time({ start: "2024-02-30" })),
      },
    ]);
    assert.match(found("invalid-partitions")[0]!.message, /^start "2024-13-01" is not a date/);
  });

  it("partition-mismatch on the input, or on the mapping that does not fit, with mappingProblem's sentence", function () {
    const daily = dailyPartitions({ start: "2024-01-01" });
    const regions = staticPartitions(["eu", "us", "apac"]);
    const byThemselves = mappingProblem(daily, regions)!;
    assert.ok(byThemselves);
    assert.deepEqual(found("partition-mismatch"), [
      {
        ...inside("bad/mismatch", "ins: { up }", "up"),
        severity: "error",
        message: `Input "up" (bad/up): ${byThemselves}`,
      },
      {
        ...inside("bad/via_dep", "deps: [up]", "up"),
        severity: "error",
        message: `Dep "bad/up": ${byThemselves}`,
      },
      {
        ...at("src/bad.ts", 'staticMapping({ nope: "eu" })'),
        severity: "error",
        message: `Input "up" (bad/up): ${mappingProblem(regions, regions, { type: "static", downstreamKeysByUpstreamKey: { nope: "eu" } })}`,
      },
      {
        ...at("src/bad.ts", "timeWindowMapping()", 1),
        severity: "error",
        message: `Input "up" (bad/up): ${mappingProblem(daily, regions, timeWindowMapping())}`,
      },
      {
        ...at("src/bad.ts", "allPartitionsMapping()"),
        severity: "error",
        message:
          "partitionMappings names \"upp\", which is neither an input nor a dep; key it by the input's name (or a dep's key).",
      },
    ]);
  });

  it("the sentences are the ones the library refuses the same spec with when it loads", function () {
    assert.throws(
      () => asset("x/not", { partitions: "daily" as never }, () => 1),
      (error: Error) => error.message === `asset("x/not"): partitions: ${NOT_A_PARTITIONS_DEFINITION}`,
    );
    const up = asset("x/up", {}, () => 1);
    assert.throws(
      () => asset("x/name", { ins: { up }, partitionMappings: { upp: allPartitionsMapping() } }, () => 1),
      (error: Error) => error.message === `asset("x/name"): ${unknownMappingNameProblem("upp")}`,
    );
  });

  it("a value not known statically is neither read (no default filled in) nor reported", function () {
    const node = (key: string) => graph.assets.find((a) => a.key === key)!;
    assert.equal(node("bad/unknown_start").partitions, undefined);
    // The time zone is unknown: reading it as the default (UTC) would be a guess.
    assert.equal(node("bad/unknown_zone").partitions, undefined);
    const lines = new Set(
      ["bad/unknown_start", "bad/unknown_zone", "bad/on_unknown", "bad/mapped"].map(
        (key) => locate(root, "src/bad.ts", `"${key}"`).line,
      ),
    );
    assert.deepEqual(
      graph.diagnostics.filter((d) => lines.has(d.line) && d.file === "src/bad.ts"),
      [],
    );
  });
});

describe("hover: partitions in words", function () {
  let dir: string;
  let session: AnalysisSession;
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-phover-"));
    fs.cpSync(fixture("partitions"), dir, { recursive: true });
    installFakeLibrary(dir);
    session = new AnalysisSession(dir);
    session.analyze();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const hoverOn = (key: string): string => {
    const file = path.join(dir, "src", "pipeline.ts");
    const text = fs.readFileSync(file, "utf8");
    const found = ide.hover(session, file, text.indexOf(`"${key}"`) + 2);
    assert.ok(found, `no hover on ${key}`);
    return ide.renderHover(found);
  };

  it("shows the definition and the mapping of each partitioned input", function () {
    const weekly = hoverOn("part/weekly");
    assert.match(weekly, /^- Partitions: weekly from 2024-01-01 \(UTC\)$/m);
    assert.match(weekly, /^- Partition mappings: `days` ← the time windows from 6 before to this window$/m);
    assert.match(
      hoverOn("part/cleaned"),
      /^- Partition mappings: `events` ← the same partition \(default\)$/m,
    );
    assert.match(
      hoverOn("part/regional"),
      /^- Partitions: multi: date = daily from 2024-01-01 \(UTC\) × region = static, 3 keys: eu, us, apac$/m,
    );
    assert.match(hoverOn("part/by_region"), /^- Partitions: static, 3 keys: eu, us, apac$/m);
    assert.match(
      hoverOn("part/morning"),
      /^- Partitions: daily from 2024-06-01 \(Europe\/Berlin, starting at 06:00\)$/m,
    );
    const summary = hoverOn("part/summary");
    assert.doesNotMatch(summary, /Partitions:/);
    assert.match(summary, /`part\/weekly` ← all partitions \(default\)/);
  });
});

describe("analyzeProject: half-typed partitions", function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  const analyse = (partitions: string): AssetGraph => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-phalf-"));
    dirs.push(dir);
    installFakeLibrary(dir);
    fs.writeFileSync(path.join(dir, "assetline.config.json"), "{}\n");
    fs.mkdirSync(path.join(dir, "src"));
    fs.writeFileSync(
      path.join(dir, "src", "half.ts"),
      'import { asset, dailyPartitions, staticPartitions } from "assetline";\n' +
        `export const half = asset("x/half", { partitions: ${partitions}\n` +
        'export const other = asset("x/other", {}, () => 1);\n',
    );
    return analyzeProject(dir);
  };
  // Each half-typed text, and the same text finished: the finished one is an error, so the
  // silence on the half-typed one is the analysis's choice, not a definition it failed to read.
  const cases: [string, string][] = [
    ['dailyPartitions({ start: "2024-', 'dailyPartitions({ start: "2024-" }) }, () => 1);'],
    ["dailyPartitions(", "dailyPartitions() }, () => 1);"],
    ['staticPartitions(["a", "a"', 'staticPartitions(["a", "a"]) }, () => 1);'],
    ['dailyPartitions({ start: "2024-01-0" ', 'dailyPartitions({ start: "2024-01-0" }) }, () => 1);'],
  ];
  for (const [half, finished] of cases) {
    it(`${half} reports nothing on the value being typed, and keeps the module's other assets`, function () {
      const graph = analyse(half);
      assert.deepEqual(
        graph.diagnostics.filter((d) => d.code === "invalid-partitions"),
        [],
      );
      assert.ok(graph.assets.some((a) => a.key === "x/other"));
      const done = analyse(finished);
      assert.equal(done.diagnostics.filter((d) => d.code === "invalid-partitions").length, 1, finished);
    });
  }
});
