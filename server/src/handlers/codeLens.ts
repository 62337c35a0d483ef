/**
 * Code lenses above each asset: "▶ Run", "Show lineage" and its direct neighbours; one lens
 * per factory call for generated assets, where the graph points (the call of the project's
 * factory function, else the library call that runs once per generated asset).
 */
import type { CodeLens } from "vscode-languageserver/node";
import { Commands, type AssetCommandArgs } from "@assetline/protocol";
import type { AssetRecord } from "@assetline/analysis";
import type { Project } from "./projects";
import { assetStatus, describeAutomation, describeStates, type AssetStatus } from "@assetline/core";
import { readRunIndex, stateFacts } from "./runStatus";

/** `runAllowed: false` (an untrusted workspace): the Run lenses say that running needs trust. */
export function codeLenses(
  project: Project,
  file: string,
  options: { runAllowed?: boolean } = {},
): CodeLens[] {
  const needsTrust = options.runAllowed === false ? " (requires trust)" : "";
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
  const now = Date.now();
  const status = (record: AssetRecord): AssetStatus =>
    assetStatus(stateFacts({ ...record, key: record.key as string }, result.built.byKey), runs, now);
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
          command: { title: `▶ Run${needsTrust}`, command: Commands.runAsset, arguments: [args(key)] },
        });
        lenses.push({
          range,
          command: {
            title: `Run with upstream${needsTrust}`,
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
        const state = status(first);
        lenses.push({
          range,
          command: {
            title: state.title!,
            // A failure opens where it threw; any other state the lineage around the asset.
            command: state.state === "failed" ? Commands.showFailure : Commands.showLineage,
            arguments: [args(key)],
          },
        });
        if (first.automation) {
          lenses.push({
            range,
            command: {
              title: `⚡ ${describeAutomation(first.automation, Date.now())}`,
              command: Commands.showLineage,
              arguments: [args(key)],
            },
          });
        }
      }
    } else {
      // A factory call: its assets run together; the status counts their last runs.
      const keys = [
        ...new Set(records.flatMap((record) => (record.key === undefined ? [] : [record.key]))),
      ].sort();
      if (keys.length === 0) continue;
      const runnable = records.filter((record) => record.key !== undefined && !record.external);
      const runKeys = [...new Set(runnable.map((record) => record.key as string))].sort();
      if (runKeys.length > 0) {
        const several = (key: string): AssetCommandArgs => ({ ...args(key), keys: runKeys });
        lenses.push({
          range,
          command: {
            title: `${runKeys.length === 1 ? "▶ Run" : `▶ Run ${runKeys.length}`}${needsTrust}`,
            command: Commands.runAsset,
            arguments: [several(runKeys[0]!)],
          },
        });
        lenses.push({
          range,
          command: {
            title: `Run with upstream${needsTrust}`,
            command: Commands.runAssetWithUpstream,
            arguments: [several(runKeys[0]!)],
          },
        });
      }
      lenses.push({
        range,
        command: {
          title: `${keys.length} generated asset${keys.length === 1 ? "" : "s"}: ${summarise(keys)}`,
          command: Commands.showLineage,
          arguments: [args(keys[0]!)],
        },
      });
      if (runnable.length > 0) {
        lenses.push({
          range,
          command: {
            title:
              runnable.length === 1
                ? status(runnable[0]!).title!
                : describeStates(runnable.map((record) => status(record).state)),
            command: Commands.showLineage,
            arguments: [args(runKeys[0]!)],
          },
        });
      }
    }
  }
  // Each check(...) call: run it on the stored value, and its latest result.
  for (const check of result.checks) {
    if (check.span.file !== file || check.name === undefined) continue;
    const key = check.target?.key ?? check.targetKey;
    if (key === undefined || !result.built.byKey.has(key)) continue;
    const position = project.session.locate(file, check.span.start);
    const range = {
      start: { line: position.line - 1, character: position.column - 1 },
      end: { line: position.line - 1, character: position.column - 1 },
    };
    const checkArgs: AssetCommandArgs = { key, rootUri: project.rootUri, check: check.name };
    lenses.push({
      range,
      command: { title: `▶ Run check${needsTrust}`, command: Commands.runCheck, arguments: [checkArgs] },
    });
    const last = runs?.assets[key]?.checks?.[check.name];
    if (last) {
      // A result older than the latest materialization judged a value that is gone.
      const success = runs?.assets[key]?.lastSuccess?.time;
      const current = success === undefined || last.time >= success;
      lenses.push({
        range,
        command: {
          title: !current
            ? "○ not run on the latest value"
            : last.passed
              ? "✓ passed"
              : `✗ failed${last.error ? `: ${last.error}` : ""}`,
          command: Commands.runCheck,
          arguments: [checkArgs],
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
