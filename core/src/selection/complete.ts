/**
 * Completion of the selection language as it is typed: keys, attribute names and the values of
 * group:, tag:, owner: and kind: that a project's assets have, quoted as the language reads
 * them. One home for the lineage view's filter and the editor's Materialize Selection…. Pure.
 */
import type { SelectableAsset } from "./resolve";

export interface Vocabulary {
  keys: string[];
  group: string[];
  tag: string[];
  owner: string[];
  kind: string[];
}

export function vocabularyOf(assets: readonly SelectableAsset[]): Vocabulary {
  const group = new Set<string>();
  const tag = new Set<string>();
  const owner = new Set<string>();
  const kind = new Set<string>();
  for (const asset of assets) {
    if (asset.group) group.add(asset.group);
    for (const [name, value] of Object.entries(asset.tags ?? {})) {
      tag.add(name);
      tag.add(`${name}=${value}`);
    }
    for (const o of asset.owners ?? []) owner.add(o);
    for (const k of asset.kinds ?? []) kind.add(k);
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return {
    keys: assets.map((asset) => asset.key).sort(),
    group: sorted(group),
    tag: sorted(tag),
    owner: sorted(owner),
    kind: sorted(kind),
  };
}

export interface Completion {
  label: string;
  /** The text that replaces [from, to). */
  insert: string;
  detail: string;
}

export interface Completions {
  /** 0-based offsets into the text of the part being completed. */
  from: number;
  to: number;
  items: Completion[];
}

const ATTRIBUTES = ["key", "group", "tag", "owner", "kind"] as const;
type Attribute = (typeof ATTRIBUTES)[number];
const MAX_ITEMS = 50;

/**
 * A value as the selection language reads it: quoted when it is empty, holds spaces,
 * parentheses, quotes, `+` or `*` (literal in tag:, owner: and kind: only when quoted), or is
 * `<null>` (which unquoted means "no value").
 */
export function quoteValue(value: string): string {
  return /^[^\s()"+*]+$/.test(value) && value !== "<null>" ? value : `"${value.replace(/["\\]/g, "\\$&")}"`;
}

/** A tag completion (`name` or `name=value`) with its name and its value quoted apart. */
function quoteTag(entry: string): string {
  const equals = entry.indexOf("=");
  if (equals < 0) return quoteValue(entry);
  return `${quoteValue(entry.slice(0, equals))}=${quoteValue(entry.slice(equals + 1))}`;
}

function rank(candidates: readonly string[], typed: string): string[] {
  const lower = typed.toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const candidate of candidates) {
    const text = candidate.toLowerCase();
    if (text.startsWith(lower)) starts.push(candidate);
    else if (lower !== "" && text.includes(lower)) contains.push(candidate);
    if (starts.length >= MAX_ITEMS) break;
  }
  return [...starts, ...contains].slice(0, MAX_ITEMS);
}

/** Completions for the word that ends at `caret` (0-based). */
export function complete(text: string, caret: number, vocabulary: Vocabulary): Completions {
  let from = caret;
  while (from > 0 && /[^\s()+]/.test(text[from - 1]!)) from--;
  let to = caret;
  while (to < text.length && /[^\s()+]/.test(text[to]!)) to++;
  const word = text.slice(from, caret);
  const colon = word.indexOf(":");
  if (colon > 0 && (ATTRIBUTES as readonly string[]).includes(word.slice(0, colon))) {
    const attr = word.slice(0, colon) as Attribute;
    const typed = word.slice(colon + 1).replace(/^"/, "");
    const values = attr === "key" ? vocabulary.keys : vocabulary[attr];
    return {
      from: from + colon + 1,
      to,
      items: rank(values, typed).map((value) => ({
        label: value,
        insert: attr === "tag" ? quoteTag(value) : quoteValue(value),
        detail: attr,
      })),
    };
  }
  const typed = word.replace(/^"/, "");
  const attributes = ATTRIBUTES.filter(
    (attr) => attr.startsWith(typed.toLowerCase()) && typed.length > 0,
  ).map((attr) => ({
    label: `${attr}:`,
    insert: `${attr}:`,
    detail: "attribute",
  }));
  const keys = rank(vocabulary.keys, typed).map((key) => ({
    label: key,
    insert: quoteValue(key),
    detail: "asset",
  }));
  return { from, to, items: [...attributes, ...keys].slice(0, MAX_ITEMS) };
}
