/**
 * Parser for the asset selection language, which follows Dagster's (its ANTLR grammar
 * AssetSelection.g4 and the fallback to the older clause syntax in AssetSelection.from_string).
 * Pure TypeScript (no Node imports): the webview bundles it for its filter box.
 *
 *   selection := expr ("," expr)*                        clauses, united (Dagster's CLI splits --select on ",")
 *   expr      := or
 *   or        := and (("or" | "OR") and)*
 *   and       := not (("and" | "AND") not)*
 *   not       := ("not" | "NOT") not | unit
 *   unit      := "*"                                       everything
 *              | [DIGITS] "+" operand ["+" [DIGITS]]       new syntax: `+` alone = all layers
 *              | operand "+" [DIGITS]
 *              | ("*" | "+"*) BAREKEY ("+"* | "*")         a bare key: `+x` / `x+` all layers (as
 *                                                          with key:), `++x` two layers, `*` all
 *   operand   := "(" expr ")" | ("roots" | "sinks") "(" expr ")"
 *              | ATTR ":" value                            ATTR: key group tag owner kind
 *              | "tag" ":" value "=" value
 *              | QUOTED                                    a key (Assetline extension)
 *   value     := QUOTED | "<null>" | unquoted run (no spaces, parentheses, quotes, `+`; `=` ends a tag name)
 *
 * Values follow Dagster's: `<null>` (unquoted, not after key:) stands for no value, the assets
 * without that attribute, and `tag:name=<null>` is `tag:name`; a quoted value may be empty
 * (`kind:""` is the empty kind), except a key; `*` is a wildcard in key: (quoted or not) and in a
 * quoted group: value (Dagster's grammar takes no unquoted `*` there); in tag:, owner: and kind:
 * a quoted `*` is literal.
 *
 * Whitespace may separate any two tokens, as in Dagster (`key: "a"`, `2 + key:a`), except
 * inside the older clause syntax (`+raw_orders`), which is one word.
 */
import { SelectionError, type AttributeName, type SelectionExpr, type Span } from "./ast";

export const ATTRIBUTES: readonly AttributeName[] = ["key", "group", "tag", "owner", "kind"];

/** Attributes Dagster has that mean nothing for an Assetline graph. */
const UNSUPPORTED: Record<string, string> = {
  code_location: "Assetline has no code locations",
  key_substring: 'use a wildcard instead, e.g. key:"*part*"',
  status: "selections are resolved on the definitions, not on run history",
  column: "Assetline does not read column schemas",
  columns: "Assetline does not read column schemas",
  column_tag: "Assetline does not read column schemas",
  table_name: "Assetline does not read table names",
  changed_in_branch: "Assetline has no branch deployments",
};

/** Characters of a bare key or an attribute name. */
const NAME_CHAR = /[^\s()"+*:=,]/;
/** Characters of a bare key pattern (`ingest/*`). */
const PATTERN_CHAR = /[^\s()"+:=,]/;
/** Characters of an unquoted attribute value (`*` is checked afterwards). */
const VALUE_CHAR = /[^\s()"+=,]/;
/** Dagster's token for "no value" (its grammar's NULL_STRING). */
const NULL_TOKEN = "<null>";

type Bare = Extract<SelectionExpr, { type: "attr" }> & { bare: true };

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): SelectionExpr {
    this.skipSpace();
    if (this.atEnd())
      throw new SelectionError(
        "The selection is empty: give an asset key, `*`, or an expression like group:ingest.",
        1,
      );
    let expr = this.parseOr();
    this.skipSpace();
    while (this.char() === ",") {
      this.pos++;
      const right = this.parseOr();
      expr = { type: "or", left: expr, right, span: { start: expr.span.start, end: right.span.end } };
      this.skipSpace();
    }
    if (!this.atEnd()) {
      const start = this.pos;
      if (this.char() === ")")
        throw new SelectionError("Unexpected `)`: it has no matching `(`.", start + 1, start + 2);
      const shown = this.peekRun() || this.char()!;
      const lower = shown.toLowerCase();
      if (lower === "and" || lower === "or")
        throw new SelectionError(
          `Write \`${lower}\` or \`${lower.toUpperCase()}\`; \`${shown}\` is not an operator.`,
          start + 1,
          start + 1 + shown.length,
        );
      throw new SelectionError(
        `Unexpected \`${shown}\`: join expressions with \`and\` or \`or\`.`,
        start + 1,
        start + 1 + shown.length,
      );
    }
    return expr;
  }

  // ---- characters ----

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  private char(offset = 0): string | undefined {
    return this.text[this.pos + offset];
  }
  private skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.char()!)) this.pos++;
  }
  /** The run of name characters at the cursor, without consuming it. */
  private peekRun(from = this.pos): string {
    let end = from;
    while (end < this.text.length && NAME_CHAR.test(this.text[end]!)) end++;
    return this.text.slice(from, end);
  }
  /** The operator keyword at the cursor (`and`/`AND`, ...), if any. */
  private keyword(): string | undefined {
    const run = this.peekRun();
    if (run === "and" || run === "AND" || run === "or" || run === "OR" || run === "not" || run === "NOT")
      return run.toLowerCase();
    return undefined;
  }
  private endColumn(): number {
    return this.text.length + 1;
  }

  // ---- boolean structure ----

  private parseOr(): SelectionExpr {
    let left = this.parseAnd();
    for (;;) {
      this.skipSpace();
      if (this.keyword() !== "or") return left;
      this.pos += 2;
      const right = this.parseAnd();
      left = { type: "or", left, right, span: { start: left.span.start, end: right.span.end } };
    }
  }

  private parseAnd(): SelectionExpr {
    let left = this.parseNot();
    for (;;) {
      this.skipSpace();
      if (this.keyword() !== "and") return left;
      this.pos += 3;
      const right = this.parseNot();
      left = { type: "and", left, right, span: { start: left.span.start, end: right.span.end } };
    }
  }

  private parseNot(): SelectionExpr {
    this.skipSpace();
    if (this.keyword() === "not") {
      const start = this.pos + 1;
      this.pos += 3;
      const operand = this.parseNot();
      return { type: "not", operand, span: { start, end: operand.span.end } };
    }
    return this.parseUnit();
  }

  // ---- traversal ----

  private parseUnit(): SelectionExpr {
    this.skipSpace();
    if (this.atEnd())
      throw new SelectionError(
        "The selection ends too early: an asset key or expression is missing here.",
        this.endColumn(),
      );
    const start = this.pos + 1;
    const keyword = this.keyword();
    if (keyword === "and" || keyword === "or") {
      const word = this.peekRun();
      throw new SelectionError(`\`${word}\` needs an expression on both sides.`, start, start + word.length);
    }

    // `*` alone: every asset.
    if (this.char() === "*" && !this.continuesClause(this.pos + 1)) {
      this.pos++;
      return { type: "all", span: { start, end: start + 1 } };
    }

    // Prefix: `N+`, `+`, or the older clause syntax's `*` / `+++`.
    let up: number | undefined;
    let legacyUp: number | undefined;
    let plusColumn = 0;
    const digits = /^\d+/.exec(this.text.slice(this.pos))?.[0];
    if (digits !== undefined && this.plusAfter(this.pos + digits.length)) {
      up = Number(digits);
      this.pos += digits.length;
      this.skipSpace();
      plusColumn = this.pos + 1;
      this.pos++;
      if (this.char() === "+")
        throw new SelectionError(
          `Write one \`+\` after the depth: ${digits}+ already means ${digits} layer${digits === "1" ? "" : "s"} upstream.`,
          this.pos + 1,
          this.pos + 2,
        );
    } else if (this.char() === "*") {
      legacyUp = Infinity;
      plusColumn = this.pos + 1;
      this.pos++;
      while (this.char() === "+") this.pos++;
    } else if (this.char() === "+") {
      plusColumn = this.pos + 1;
      let count = 0;
      while (this.char() === "+") {
        this.pos++;
        count++;
      }
      legacyUp = count;
    }

    this.skipSpace();
    if (this.atEnd())
      throw new SelectionError(
        "The selection ends too early: an asset key or expression is missing here.",
        this.endColumn(),
      );
    if (this.char() === "*" || this.char() === "+")
      throw new SelectionError(
        "Unexpected `" +
          this.char()! +
          "`: traverse from an asset, e.g. +key:x or x+; `*` alone (all assets) cannot be traversed.",
        this.pos + 1,
        this.pos + 2,
      );
    const operandStart = this.pos;
    const operand = this.parseOperand();

    if ("bare" in operand)
      return this.bareClause(operand, start, up, legacyUp, this.text.slice(start - 1, operandStart).trim());

    // New syntax: one `+` per side, an optional depth.
    if (legacyUp !== undefined) {
      if (legacyUp === Infinity)
        throw new SelectionError(
          "`*` as a traversal works only before a bare key (*raw_orders); write +key:x for all upstream.",
          plusColumn,
          plusColumn + 1,
        );
      if (legacyUp > 1)
        throw new SelectionError(
          `Write ${legacyUp}+ for ${legacyUp} layers upstream; a run of \`+\` works only before a bare key.`,
          plusColumn,
          plusColumn + legacyUp,
        );
      up = Infinity;
    }
    let down: number | undefined;
    let end = operand.span.end;
    const save = this.pos;
    this.skipSpace();
    if (this.char() === "+") {
      this.pos++;
      end = this.pos + 1;
      if (this.char() === "+")
        throw new SelectionError(
          "Write +2 for two layers downstream; a run of `+` works only after a bare key.",
          this.pos,
          this.pos + 2,
        );
      const afterPlus = this.pos;
      this.skipSpace();
      const depth = /^\d+/.exec(this.text.slice(this.pos))?.[0];
      if (depth !== undefined && !NAME_CHAR.test(this.text[this.pos + depth.length] ?? " ")) {
        down = Number(depth);
        this.pos += depth.length;
        end = this.pos + 1;
      } else {
        down = Infinity;
        this.pos = afterPlus;
      }
    } else {
      this.pos = save;
    }
    if (up === undefined && down === undefined) return operand;
    return { type: "traverse", operand, up, down, span: { start, end } };
  }

  /** After a `*` at `index`: is this the older syntax's `*key` / `*+key` rather than `*` alone? */
  private continuesClause(index: number): boolean {
    const next = this.text[index];
    return next !== undefined && (next === "+" || next === "*" || NAME_CHAR.test(next));
  }

  /** Whether a `+` follows `index`, spaces allowed, so that digits there are a depth. */
  private plusAfter(index: number): boolean {
    let i = index;
    while (i < this.text.length && /\s/.test(this.text[i]!)) i++;
    if (this.text[i] !== "+") return false;
    // `2020_data` is a key; `2+x` and `2 + x` are depths.
    return i === index || !NAME_CHAR.test(this.text[index] ?? " ");
  }

  /**
   * A bare key with traversals around it: one `+` all layers (as key: does), a run of `+` one
   * layer each (Dagster's older clause syntax), `*` all layers.
   * A bare word whose `*` cannot be read that way (`ingest/*s`), or whose key does not exist
   * while the word read as a pattern matches (`ingest/*`), is a key pattern (Dagster refuses
   * both forms, so this extension changes no selection Dagster accepts).
   */
  private bareClause(
    operand: Bare,
    start: number,
    up: number | undefined,
    legacyUp: number | undefined,
    prefix: string,
  ): SelectionExpr {
    const { bare: _bare, ...attr } = operand;
    // A single `+` means every layer, as with key: and as product.md specifies (`+x`: x and all
    // upstream); Dagster's older syntax read it as one layer. Runs of `+` still count layers.
    if (legacyUp !== undefined) up = legacyUp === 1 ? Infinity : legacyUp;
    let down: number | undefined;
    let end = operand.span.end;
    let suffix = "";
    if (
      this.char() === "*" &&
      this.text[this.pos + 1] !== undefined &&
      PATTERN_CHAR.test(this.text[this.pos + 1]!)
    ) {
      // A `*` inside the word: a key pattern.
      let j = this.pos;
      while (j < this.text.length && PATTERN_CHAR.test(this.text[j]!)) j++;
      const pattern = (prefix === "*" ? "*" : "") + attr.value + this.text.slice(this.pos, j);
      if (prefix !== "" && prefix !== "*")
        throw new SelectionError(`Traverse a key pattern with key:, e.g. +key:"${pattern}".`, start, j + 1);
      this.pos = j;
      return { type: "attr", attr: "key", value: pattern, quoted: false, span: { start, end: j + 1 } };
    }
    if (this.char() === "+" || this.char() === "*") {
      const from = this.pos;
      let count = 0;
      while (this.char() === "+") {
        this.pos++;
        count++;
      }
      if (this.char() === "*") {
        this.pos++;
        down = Infinity;
      } else {
        down = count === 1 ? Infinity : count;
        // `x+2`: a depth (Assetline extension; Dagster's older syntax repeats `+`).
        const depth = count === 1 ? /^\d+/.exec(this.text.slice(this.pos))?.[0] : undefined;
        if (depth !== undefined && !NAME_CHAR.test(this.text[this.pos + depth.length] ?? " ")) {
          down = Number(depth);
          this.pos += depth.length;
        }
      }
      suffix = this.text.slice(from, this.pos);
      end = this.pos + 1;
    }
    if (up === undefined && down === undefined) return attr;
    const traverse: SelectionExpr = { type: "traverse", operand: attr, up, down, span: { start, end } };
    if ((prefix === "" || prefix === "*") && (suffix === "" || suffix === "*"))
      traverse.orPattern = prefix + attr.value + suffix;
    return traverse;
  }

  // ---- operands ----

  private parseOperand(): SelectionExpr | Bare {
    const start = this.pos + 1;
    const ch = this.char()!;
    if (ch === "(") {
      this.pos++;
      const inner = this.parseOr();
      this.skipSpace();
      this.noCommaHere();
      if (this.char() !== ")")
        throw new SelectionError("Missing `)`: close the parenthesis opened here.", start, start + 1);
      this.pos++;
      return { ...inner, span: { start, end: this.pos + 1 } };
    }
    if (ch === ")")
      throw new SelectionError(
        "Unexpected `)`: an asset key or expression is missing before it.",
        start,
        start + 1,
      );
    if (ch === '"') {
      const value = this.quoted();
      return { type: "attr", attr: "key", value, quoted: true, span: { start, end: this.pos + 1 } };
    }
    if (ch === ":" || ch === "=")
      throw new SelectionError(
        `Unexpected \`${ch}\`: an attribute name goes before it, e.g. group:ingest.`,
        start,
        start + 1,
      );

    const word = this.peekRun();
    this.pos += word.length;
    const save = this.pos;
    this.skipSpace();
    const next = this.char();

    if ((word === "roots" || word === "sinks") && next === "(") {
      const open = this.pos + 1;
      this.pos++;
      this.skipSpace();
      if (this.char() === ")")
        throw new SelectionError(`${word}() needs a selection inside the parentheses.`, this.pos + 1);
      const operand = this.parseOr();
      this.skipSpace();
      this.noCommaHere();
      if (this.char() !== ")") throw new SelectionError(`Missing \`)\` to close ${word}(.`, open, open + 1);
      this.pos++;
      return { type: "function", name: word, operand, span: { start, end: this.pos + 1 } };
    }

    if (next === ":") {
      const colon = this.pos + 1;
      if (!(ATTRIBUTES as readonly string[]).includes(word)) {
        const reason = UNSUPPORTED[word];
        const lower = word.toLowerCase();
        const hint = (ATTRIBUTES as readonly string[]).includes(lower)
          ? ` Attribute names are lower case: ${lower}:.`
          : reason !== undefined
            ? ` Dagster has ${word}:, but ${reason}.`
            : "";
        throw new SelectionError(
          `Unknown attribute \`${word}:\`; use one of ${ATTRIBUTES.map((a) => a + ":").join(", ")}.${hint}`,
          start,
          colon + 1,
        );
      }
      const attr = word as AttributeName;
      this.pos++;
      this.skipSpace();
      const valueColumn = this.pos + 1;
      const value = this.value(attr);
      if (attr === "tag") {
        const afterName = this.pos;
        this.skipSpace();
        if (this.char() === "=") {
          if (value.isNull)
            throw new SelectionError(
              "`tag:<null>` selects the assets without tags; it takes no `=` value. Write tag:name=value for a tag's value.",
              valueColumn,
              this.pos + 2,
            );
          this.pos++;
          this.skipSpace();
          const tagValue = this.value(attr, "a tag value after `=`");
          return {
            type: "attr",
            attr,
            value: value.text,
            // Dagster reads `tag:name=<null>` as `tag:name`: the tag with an empty value.
            tagValue: tagValue.text,
            quoted: value.quoted || tagValue.quoted,
            span: { start, end: this.pos + 1 },
          };
        }
        this.pos = afterName;
      }
      return {
        type: "attr",
        attr,
        value: value.text,
        quoted: value.quoted,
        ...(value.isNull ? { isNull: true as const } : {}),
        span: { start, end: this.pos + 1 },
      };
    }
    this.pos = save;

    if (ch === ",")
      throw new SelectionError(
        "A clause is missing before this `,`: put a selection between commas.",
        start,
        start + 1,
      );
    if (word === "") throw new SelectionError(`Unexpected \`${ch}\`.`, start, start + 1);
    // A bare key (Dagster reads a lone key with its older clause syntax).
    const span: Span = { start, end: this.pos + 1 };
    return { type: "attr", attr: "key", value: word, quoted: false, span, bare: true };
  }

  /** A `,` separates whole clauses only (Dagster splits the selection text on it). */
  private noCommaHere(): void {
    if (this.char() === ",")
      throw new SelectionError(
        "`,` separates whole selections; inside parentheses join with `or`.",
        this.pos + 1,
        this.pos + 2,
      );
  }

  private quoted(): string {
    const start = this.pos + 1;
    let j = this.pos + 1;
    let value = "";
    while (j < this.text.length && this.text[j] !== '"') {
      if (this.text[j] === "\\" && j + 1 < this.text.length) j++;
      value += this.text[j];
      j++;
    }
    if (j >= this.text.length)
      throw new SelectionError('Unterminated string: add the closing quote (").', start, this.endColumn());
    this.pos = j + 1;
    return value;
  }

  /** An attribute's value; `<null>` gives `isNull` and an empty text. */
  private value(attr: AttributeName, what?: string): { text: string; quoted: boolean; isNull?: true } {
    const start = this.pos + 1;
    const missing = what
      ? `\`${attr}:\` needs ${what}, e.g. ${attr}:${example(attr)}.`
      : `\`${attr}:\` needs a value, e.g. ${attr}:${example(attr)}.`;
    if (this.char() === '"') {
      const text = this.quoted();
      // An empty quoted value is the empty string, as in Dagster (kind:"" is the empty kind);
      // no asset has an empty key, so key:"" is refused as a missing value.
      if (text === "" && attr === "key") throw new SelectionError(missing, start, this.pos + 1);
      return { text, quoted: true };
    }
    let end = this.pos;
    while (end < this.text.length && VALUE_CHAR.test(this.text[end]!)) end++;
    const text = this.text.slice(this.pos, end);
    if (text === "") throw new SelectionError(missing, start);
    if (text === NULL_TOKEN) {
      if (attr === "key")
        throw new SelectionError(
          "`key:` takes no `<null>`: every asset has a key. `<null>` (no value) goes with group:, tag:, owner: and kind:.",
          start,
          end + 1,
        );
      this.pos = end;
      return { text: "", quoted: false, isNull: true };
    }
    if (attr === "group" && text.includes("*"))
      throw new SelectionError(
        `Quote a group pattern: group:"${text}" (Dagster reads \`*\` in group: only inside quotes).`,
        start,
        end + 1,
      );
    if (attr !== "key" && text.includes("*"))
      throw new SelectionError(
        `Only key: and group: take \`*\` wildcards; ${attr}: matches the exact value (quote it to match a literal \`*\`).`,
        start,
        end + 1,
      );
    this.pos = end;
    return { text, quoted: false };
  }
}

function example(attr: AttributeName): string {
  switch (attr) {
    case "key":
      return '"ingest/raw_orders"';
    case "group":
      return "ingest";
    case "tag":
      return "layer=bronze";
    case "owner":
      return '"team:data-eng"';
    case "kind":
      return "duckdb";
  }
}

/** Parses a selection; throws SelectionError (with a 1-based column) on a mistake. */
export function parseSelection(text: string): SelectionExpr {
  return new Parser(text).parse();
}
