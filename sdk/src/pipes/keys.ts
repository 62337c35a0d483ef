/**
 * Asset keys on the wire. Dagster sends and reads keys as escaped user strings
 * (`AssetKey.to_escaped_user_string`): parts joined by "/", with "\" and "/" inside a part escaped
 * by a backslash. An Assetline key "ingest/raw_orders" is the Dagster key ["ingest", "raw_orders"];
 * Assetline segments never contain "/" or "\", so such a key travels unchanged.
 */
import { keyProblem } from "@assetline/core";
import { PipesError } from "./protocol";

/** Dagster's escaped user string of a key's parts. */
export function escapeAssetKey(parts: readonly string[]): string {
  return parts.map((part) => part.replace(/\\/g, "\\\\").replace(/\//g, "\\/")).join("/");
}

/** The parts of an escaped user string (the inverse of `escapeAssetKey`, as `to_asset_key_path`). */
export function assetKeyParts(escaped: string): string[] {
  const parts: string[] = [];
  let current = "";
  let escapeNext = false;
  for (const char of escaped) {
    if (escapeNext) {
      current += char;
      escapeNext = false;
    } else if (char === "\\") escapeNext = true;
    else if (char === "/") {
      parts.push(current);
      current = "";
    } else current += char;
  }
  if (current) parts.push(current);
  return parts;
}

/** The Assetline key a Dagster key names, or a PipesError saying why it cannot name one. */
export function assetlineKey(escaped: string): string {
  const parts = assetKeyParts(escaped);
  const key = parts.join("/");
  const problem = parts.some((p) => p.includes("/") || p.includes("\\"))
    ? "a part of it contains a slash or a backslash"
    : keyProblem(key);
  if (problem !== undefined) {
    throw new PipesError(
      `Dagster asked for asset ${JSON.stringify(escaped)} (parts ${JSON.stringify(parts)}), which cannot be an Assetline key: ${problem}`,
    );
  }
  return key;
}

/** The escaped Dagster key of an Assetline key. */
export function pipesAssetKey(key: string): string {
  return escapeAssetKey(key.split("/"));
}
