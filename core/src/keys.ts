/** Asset keys: segments of [A-Za-z0-9_.-] joined by "/", e.g. "ingest/raw_orders". */

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

export class InvalidKeyError extends Error {
  override readonly name = "InvalidKeyError";
  constructor(
    message: string,
    readonly key: unknown,
  ) {
    super(message);
  }
}

/** Returns undefined for a valid key, otherwise a sentence saying what is wrong. */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== "string")
    return `An asset key must be a string like "ingest/raw_orders", not ${typeof key}.`;
  if (key.length === 0) return 'An asset key must not be empty; use segments like "ingest/raw_orders".';
  const segments = key.split("/");
  for (const [i, segment] of segments.entries()) {
    if (segment.length === 0) {
      return `Asset key "${key}" has an empty segment (${i === 0 ? "leading" : i === segments.length - 1 ? "trailing" : "double"} "/"); use segments joined by single "/".`;
    }
    if (segment === "." || segment === "..")
      return `Asset key "${key}" has a "${segment}" segment; key segments cannot be "." or "..".`;
    if (!SEGMENT.test(segment)) {
      const bad = [...segment].find((c) => !/[A-Za-z0-9_.-]/.test(c));
      return `Asset key "${key}" contains ${JSON.stringify(bad)}; key segments may only use letters, digits, "_", "." and "-", joined by "/".`;
    }
  }
  return undefined;
}

export function isValidKey(key: unknown): key is string {
  return keyProblem(key) === undefined;
}

/** Throws InvalidKeyError with a clear message when `key` is not a valid asset key. */
export function validateKey(key: unknown): string {
  const problem = keyProblem(key);
  if (problem) throw new InvalidKeyError(problem, key);
  return key as string;
}
