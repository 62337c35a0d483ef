/**
 * Partitions in the editor, over JSON-RPC against the built server (test/fixtures/partitions):
 * while typing, a definition the library would refuse is `invalid-partitions` on the offending
 * option (also through a constant of another module), an input whose partitions do not map is
 * `partition-mismatch` on the input or on the mapping given, half-typed code reports nothing on
 * the half-typed value, and the hover says the definition and the inputs' mappings in words.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type {
  Diagnostic,
  Hover,
  MarkupContent,
  PublishDiagnosticsParams,
  Range,
} from "vscode-languageserver-protocol";
import { positionOf, serverOnFixture, uriOf } from "./client";

const PIPELINE = "src/pipeline.ts";
const CALENDAR = "src/calendar.ts";

function rangeOf(text: string, needle: string, shift = 0, length = needle.length - shift): Range {
  const start = positionOf(text, needle, shift);
  return { start, end: { line: start.line, character: start.character + length } };
}

const textOf = (diagnostic: Diagnostic): string =>
  typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value;

describe("language server: partitions in diagnostics and the hover", function () {
  const server = serverOnFixture("partitions", { ready: (status) => status.assets === 8 });
  const uri = (file: string): string => uriOf(path.join(server.root, file));
  const original = (file: string): string => fs.readFileSync(path.join(server.root, file), "utf8");
  const versions = new Map<string, number>();

  /** Sends the file's new text (opening it the first time) and waits for its diagnostics to satisfy `until`. */
  async function edit(
    file: string,
    text: string,
    until: (diagnostics: Diagnostic[]) => boolean,
    on: string = file,
  ): Promise<Diagnostic[]> {
    const published = server.client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (p) => p.uri === uri(on) && until(p.diagnostics),
    );
    const version = (versions.get(file) ?? 0) + 1;
    versions.set(file, version);
    if (version === 1) {
      await server.client.connection.sendNotification("textDocument/didOpen", {
        textDocument: { uri: uri(file), languageId: "typescript", version, text },
      });
    } else {
      await server.client.connection.sendNotification("textDocument/didChange", {
        textDocument: { uri: uri(file), version },
        contentChanges: [{ text }],
      });
    }
    return (await published).diagnostics;
  }
  const ofCode = (diagnostics: Diagnostic[], code: string) => diagnostics.filter((d) => d.code === code);

  async function hoverText(text: string, key: string): Promise<string> {
    const hover = await server.client.connection.sendRequest<Hover | null>("textDocument/hover", {
      textDocument: { uri: uri(PIPELINE) },
      position: positionOf(text, `"${key}"`, 3),
    });
    assert.ok(hover, `no hover on ${key}`);
    return (hover.contents as MarkupContent).value;
  }

  it("the hover shows the definition in words and the mapping of each partitioned input", async function () {
    const text = original(PIPELINE);
    const weekly = await hoverText(text, "part/weekly");
    assert.match(weekly, /^- Partitions: weekly from 2024-01-01 \(UTC\)$/m);
    assert.match(weekly, /^- Partition mappings: `days` ← the time windows from 6 before to this window$/m);
    assert.match(
      await hoverText(text, "part/regional"),
      /^- Partitions: multi: date = daily from 2024-01-01 \(UTC\) × region = static, 3 keys: eu, us, apac$/m,
    );
    assert.match(
      await hoverText(text, "part/by_region"),
      /^- Partition mappings: `regional` ← the "region" dimension$/m,
    );
  });

  it("a bad start typed in the editor is invalid-partitions on the start's value", async function () {
    const text = original(PIPELINE).replace(
      "weeklyPartitions({ start: START })",
      'weeklyPartitions({ start: "2024-13-01" })',
    );
    const diagnostics = await edit(PIPELINE, text, (list) => ofCode(list, "invalid-partitions").length > 0);
    const [found, ...others] = ofCode(diagnostics, "invalid-partitions");
    assert.deepEqual(others, []);
    assert.deepEqual(found!.range, rangeOf(text, '"2024-13-01"'));
    assert.equal(found!.severity, 1);
    assert.equal(
      textOf(found!),
      'start "2024-13-01" is not a date in the format %Y-%m-%d: write it like 2024-01-31.',
    );
  });

  it("an input whose partitions do not map is partition-mismatch on the input; a bad mapping on the mapping", async function () {
    const text = original(PIPELINE)
      .replace(
        'asset("part/cleaned", { ins: { events }, partitions: daily }',
        'asset("part/cleaned", { ins: { events }, partitions: regions }',
      )
      .replace(
        "partitionMappings: { days: lastWeek }",
        'partitionMappings: { days: dimensionMapping("region") }',
      );
    const diagnostics = ofCode(
      await edit(PIPELINE, text, (list) => ofCode(list, "partition-mismatch").length >= 2),
      "partition-mismatch",
    );
    assert.deepEqual(
      diagnostics.map((d) => ({ range: d.range, severity: d.severity, message: textOf(d) })),
      [
        {
          range: rangeOf(text, "ins: { events }, partitions: regions", 7, "events".length),
          severity: 1,
          message:
            'Input "events" (part/events): daily partitions from 2024-01-01 do not map to static partitions [eu, us, apac] by themselves: give the input a partition mapping (e.g. allPartitionsMapping() or staticMapping({...})).',
        },
        {
          range: rangeOf(text, 'dimensionMapping("region")'),
          severity: 1,
          message: 'Input "days" (part/cleaned): dimensionMapping needs multi partitions on one side.',
        },
      ],
    );
  });

  it("a bad constant in another module is reported where a constructor reads it, in both modules", async function () {
    const pipeline = original(PIPELINE);
    await edit(PIPELINE, pipeline, (list) => list.length === 0);
    const message = 'start "2024-1-01" is not a date in the format %Y-%m-%d: write it like 2024-01-31.';
    const mentions = (list: Diagnostic[]) =>
      list.some((d) => d.code === "invalid-partitions" && textOf(d) === message);
    // The weekly definition in the pipeline reads the same constant.
    const inPipeline = server.client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (p) => p.uri === uri(PIPELINE) && mentions(p.diagnostics),
    );
    const calendar = original(CALENDAR).replace('START = "2024-01-01"', 'START = "2024-1-01"');
    const inCalendar = await edit(CALENDAR, calendar, mentions);
    assert.deepEqual(
      ofCode(inCalendar, "invalid-partitions").map((d) => [d.range, textOf(d)]),
      [[rangeOf(calendar, "{ start: START }", 9, "START".length), message]],
    );
    assert.deepEqual(
      ofCode((await inPipeline).diagnostics, "invalid-partitions").map((d) => [d.range, textOf(d)]),
      [[rangeOf(pipeline, "weeklyPartitions({ start: START })", 26, "START".length), message]],
    );
    await edit(CALENDAR, original(CALENDAR), (list) => list.length === 0);
  });

  it("half-typed partitions neither crash the server nor report the half-typed value", async function () {
    // The misspelt dep marks the diagnostics of this very text (syntax errors are TypeScript's to show).
    const marker = 'export const marker = asset("part/marker", { deps: ["part/evnts"] }, () => 0);\n';
    const half = `${original(PIPELINE).replace("  asset,\n", "  asset,\n  dailyPartitions,\n")}${marker}export const typing = asset("part/typing", { partitions: dailyPartitions({ start: "2024-`;
    const isMarked = (list: Diagnostic[]) =>
      list.some((d) => d.code === "unknown-asset" && textOf(d).includes("part/evnts"));
    const diagnostics = await edit(PIPELINE, half, isMarked);
    assert.deepEqual(
      diagnostics.filter((d) => d.code !== "unknown-asset"),
      [],
    );
    // Still answering, and the rest of the file still read.
    assert.match(await hoverText(half, "part/weekly"), /Partitions: weekly from 2024-01-01/);
    const done = half.replace('{ start: "2024-', '{ start: "2024-01-01" }) }, () => 5);\n');
    const typed = await edit(PIPELINE, done, (list) => isMarked(list) && list.length === 1);
    assert.deepEqual(ofCode(typed, "invalid-partitions"), []);
    assert.match(await hoverText(done, "part/typing"), /^- Partitions: daily from 2024-01-01 \(UTC\)$/m);
    assert.ok(!server.client.hasExited);
  });
});
