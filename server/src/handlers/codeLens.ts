/**
 * Code lenses above each asset: "▶ Run", "Show lineage" and its direct neighbours; one lens
 * per factory call for generated assets, where the graph points (the call of the project's
 * factory function, else the library call that runs once per generated asset).
 */
import type { CodeLens } from "vscode-languageserver/node";
import { Commands, type AssetCommandArgs } from "@assetline/protocol";
import type { AssetRecord } from "../analysis/index";
import type { Project } from "./projects";
import { readRunIndex, runStatusTitle } from "./runStatus";

export function codeLenses(project: Project, file: string): CodeLens[] {
  const result = project.result;
  if (!result) return [];
  const byCall = new Map<number, AssetRecord[]>();
  for (const record of result.records) {
    const where = record.site ?? record.call;
    if (where.file !== file) continue;
    const list = byCall.get(where.start) ?? [];
    list.push(record);
    byCall.set(where.start, list);
  }
  const lenses: CodeLens[] = [];
  const runs = readRunIndex(project.root);
  for (const [start, records] of [...byCall].sort((a, b) => a[0] - b[0])) {
    const position = project.session.locate(file, start);
    const range = {
      start: { line: position.line - 1, character: position.column - 1 },
      end: { line: position.line - 1, character: position.column - 1 },
    };
    const first = records[0]!;
    const args = (key: string): AssetCommandArgs => ({ key, rootUri: project.rootUri });
    if (records.length === 1 && !first.generated) {
      const key = first.key as string;
      if (!first.external) {
        lenses.push({
          range,
          command: { title: "▶ Run", command: Commands.runAsset, arguments: [args(key)] },
        });
        lenses.push({
          range,
          command: {
            title: "Run with upstream",
            command: Commands.runAssetWithUpstream,
            arguments: [args(key)],
          },
        });
      }
      lenses.push({
        range,
        command: { title: "Show lineage", command: Commands.showLineage, arguments: [args(key)] },
      });
      const upstream = new Set(
        first.deps.filter((dep) => dep.key && result.built.byKey.has(dep.key)).map((dep) => dep.key),
      );
      const downstream = result.built.downstream.get(key)?.size ?? 0;
      lenses.push({
        range,
        command: {
          title: `${upstream.size} upstream · ${downstream} downstream`,
          command: Commands.showLineage,
          arguments: [args(key)],
        },
      });
      if (!first.external) {
        lenses.push({
          range,
          command: {
            title: runStatusTitle(runs[key], first.maxLag),
            command: Commands.showLineage,
            arguments: [args(key)],
          },
        });
      }
    } else {
      const keys = records.map((record) => record.key as string).sort();
      lenses.push({
        range,
        command: {
          title: `${keys.length} generated asset${keys.length === 1 ? "" : "s"}: ${summarise(keys)}`,
          command: Commands.showLineage,
          arguments: [args(keys[0]!)],
        },
      });
    }
  }
  return lenses;
}

function summarise(keys: string[]): string {
  const shown = keys.slice(0, 3).join(", ");
  return keys.length > 3 ? `${shown}, …` : shown;
}
