import * as vscode from "vscode";
import {
  keyTable,
  partitionFactsOf,
  partitionKeysInRange,
  partitionStatuses,
  type AssetNode,
  type PartitionState,
} from "@assetline/core";
import { readIndex } from "assetline/launch";

/** What a partitioned run materializes: one partition, or a range (which resumes). */
export type PartitionChoice = { partition: string } | { partitionRange: { start: string; end: string } };

/** How many of the latest partitions the list offers (the range box reaches every one). */
const LISTED = 1000;

const STATE_ICON: Record<PartitionState, string> = {
  materialized: "$(pass)",
  stale: "$(warning)",
  failed: "$(error)",
  running: "$(sync~spin)",
  missing: "$(circle-outline)",
};

/**
 * Asks which partitions of `asset` to run: the latest first, each with its state (from the run
 * records, by core's rule), "All missing, failed or stale" (a range over every partition: the
 * runner leaves out what holds current data) and "Range…". Undefined when the user cancels.
 */
export async function pickPartitions(
  root: string,
  asset: AssetNode,
  graph: readonly AssetNode[],
  now = Date.now(),
): Promise<PartitionChoice | undefined> {
  const definition = asset.partitions!;
  const keys = keyTable(definition, now).keys;
  if (keys.length === 0) {
    void vscode.window.showWarningMessage(
      `Assetline: ${asset.key} has no partition yet (its first one has not ended); nothing to run.`,
    );
    return undefined;
  }
  const byKey = new Map(graph.map((node) => [node.key, node]));
  const facts = partitionFactsOf(asset, (key) => byKey.get(key)?.partitions)!;
  let statuses: { key: string; state: PartitionState }[];
  try {
    statuses = partitionStatuses(facts, readIndex(root, false), now);
  } catch {
    statuses = keys.map((key) => ({ key, state: "missing" as const }));
  }
  const todo = statuses.filter((s) => s.state !== "materialized" && s.state !== "running").length;
  type Item = vscode.QuickPickItem & { choice?: PartitionChoice; range?: true };
  const items: Item[] = [
    {
      label: "$(run-all) All missing, failed or stale",
      description: `${todo} of ${keys.length} partitions`,
      detail: "One run over every partition; those that hold current data are left out.",
      choice: { partitionRange: { start: keys[0]!, end: keys[keys.length - 1]! } },
    },
    { label: "$(calendar) Range…", description: "START...END, both included", range: true },
    { label: "", kind: vscode.QuickPickItemKind.Separator },
    ...statuses
      .slice(-LISTED)
      .reverse()
      .map((s) => ({
        label: `${STATE_ICON[s.state]} ${s.key}`,
        description: s.state,
        choice: { partition: s.key },
      })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Run ${asset.key}: which partitions?`,
    placeHolder: "The latest partition first; type to find one",
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (!picked.range) return picked.choice;
  const latest = keys[keys.length - 1]!;
  const text = await vscode.window.showInputBox({
    title: `Run ${asset.key}: a range of partitions`,
    prompt: "First and last partition, both included (a range resumes: current partitions are left out)",
    value: `${keys[Math.max(0, keys.length - 7)]}...${latest}`,
    validateInput: (value) => rangeProblem(definition, value, now),
  });
  if (text === undefined) return undefined;
  const [start, end] = text.split("...") as [string, string];
  return { partitionRange: { start: start.trim(), end: end.trim() } };
}

/** Why `text` is not a range of the definition's partitions, in a sentence; undefined when it is. */
export function rangeProblem(
  definition: NonNullable<AssetNode["partitions"]>,
  text: string,
  now: number,
): string | undefined {
  const parts = text.split("...");
  if (parts.length !== 2 || !parts[0]?.trim() || !parts[1]?.trim())
    return "Write the first and last partition with three dots between them, e.g. 2024-01-01...2024-01-31.";
  const keys = partitionKeysInRange(definition, parts[0].trim(), parts[1].trim(), now);
  return typeof keys === "string" ? keys : undefined;
}
