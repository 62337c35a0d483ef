/**
 * The filter box: the selection language shared with the command line (@assetline/core),
 * its errors placed at their column (completion is core's: selection/complete.ts). Pure.
 */
import type { AssetNode } from "@assetline/core";
import { trySelect } from "@assetline/core";

export interface FilterError {
  message: string;
  /** 1-based column of the mistake, and the column after it. */
  column: number;
  endColumn: number;
  suggestion?: string;
}

export type FilterResult = { selected?: Set<string> } | { error: FilterError };

/** Evaluates the filter text; an empty filter selects nothing in particular (show the view). */
export function applyFilter(text: string, assets: readonly AssetNode[]): FilterResult {
  if (text.trim() === "") return {};
  const result = trySelect(text, assets);
  if (result.ok) {
    // External sources the selection reads are shown with it (drawn as external): the language
    // leaves them out of `+x` because they are never run, but they are part of the lineage.
    const selected = new Set(result.keys);
    const byKey = new Map(assets.map((asset) => [asset.key, asset]));
    for (const key of result.keys)
      for (const dep of byKey.get(key)?.deps ?? []) if (byKey.get(dep)?.external) selected.add(dep);
    return { selected };
  }
  const { message, column, endColumn, suggestion } = result.error;
  return { error: { message, column, endColumn, ...(suggestion !== undefined ? { suggestion } : {}) } };
}

/** A line of spaces and carets that underlines the error's columns under the text. */
export function caretLine(text: string, error: FilterError): string {
  const start = Math.max(1, Math.min(error.column, text.length + 1));
  const width = Math.max(1, Math.min(error.endColumn, text.length + 1) - start);
  return " ".repeat(start - 1) + "^".repeat(width);
}
