/**
 * Parser for the asset selection language. Pure TypeScript (no Node imports): the webview
 * bundles it for its filter box.
 *
 *   expr     := or
 *   or       := and ("or" and)*
 *   and      := not ("and" not)*
 *   not      := "not" not | traverse
 *   traverse := [DIGITS? "+"] primary ["+" DIGITS?]
 *   primary  := "(" expr ")" | ("roots" | "sinks") "(" expr ")" | "*" | ATTR ":" value | value
 */
import { SelectionError, type AttributeName, type SelectionExpr } from "./ast";

type TokenType = "word" | "string" | "plus" | "lparen" | "rparen";

interface Token {
  type: TokenType;
  text: string;
  /** 1-based column of the first character. */
  start: number;
  /** 1-based column after the last character. */
  end: number;
}

const ATTRIBUTES: readonly AttributeName[] = ["key", "group", "tag", "owner", "kind"];
const WORD_CHAR = /[^\s()"+]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i + 1;
    if (ch === "(" || ch === ")" || ch === "+") {
      tokens.push({
        type: ch === "(" ? "lparen" : ch === ")" ? "rparen" : "plus",
        text: ch,
        start,
        end: start + 1,
      });
      i++;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let value = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\" && j + 1 < text.length) j++;
        value += text[j];
        j++;
      }
      if (j >= text.length)
        throw new SelectionError('Unterminated string: add the closing quote (").', start, text.length + 1);
      tokens.push({ type: "string", text: value, start, end: j + 2 });
      i = j + 1;
      continue;
    }
    let j = i;
    // A word may embed a quoted value after an attribute: key:"a/b".
    while (j < text.length && WORD_CHAR.test(text[j]!)) j++;
    tokens.push({ type: "word", text: text.slice(i, j), start, end: j + 1 });
    i = j;
  }
  return tokens;
}

function isKeyword(token: Token | undefined, word: string): boolean {
  return token?.type === "word" && token.text.toLowerCase() === word;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parse(): SelectionExpr {
    if (this.tokens.length === 0)
      throw new SelectionError(
        "The selection is empty: give an asset key, `*`, or an expression like group:ingest.",
        1,
      );
    const expr = this.parseOr();
    const rest = this.peek();
    if (rest) {
      if (rest.type === "rparen")
        throw new SelectionError("Unexpected `)`: it has no matching `(`.", rest.start, rest.end);
      throw new SelectionError(
        `Unexpected \`${this.show(rest)}\`: join expressions with \`and\` or \`or\`.`,
        rest.start,
        rest.end,
      );
    }
    return expr;
  }

  private show(token: Token): string {
    return this.text.slice(token.start - 1, token.end - 1);
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private next(): Token | undefined {
    return this.tokens[this.pos++];
  }

  private endColumn(): number {
    return this.text.length + 1;
  }

  private parseOr(): SelectionExpr {
    let left = this.parseAnd();
    while (isKeyword(this.peek(), "or")) {
      this.next();
      const right = this.parseAnd();
      left = { type: "or", left, right, span: { start: left.span.start, end: right.span.end } };
    }
    return left;
  }

  private parseAnd(): SelectionExpr {
    let left = this.parseNot();
    while (isKeyword(this.peek(), "and")) {
      this.next();
      const right = this.parseNot();
      left = { type: "and", left, right, span: { start: left.span.start, end: right.span.end } };
    }
    return left;
  }

  private parseNot(): SelectionExpr {
    const token = this.peek();
    if (isKeyword(token, "not")) {
      this.next();
      const operand = this.parseNot();
      return { type: "not", operand, span: { start: token!.start, end: operand.span.end } };
    }
    return this.parseTraverse();
  }

  private parseTraverse(): SelectionExpr {
    const first = this.peek();
    let up: number | undefined;
    let start = first?.start ?? this.endColumn();
    if (
      first?.type === "word" &&
      /^\d+$/.test(first.text) &&
      this.peek(1)?.type === "plus" &&
      this.peek(1)!.start === first.end
    ) {
      up = Number(first.text);
      this.pos += 2;
    } else if (first?.type === "plus") {
      up = Infinity;
      this.pos += 1;
    }
    const operand = this.parsePrimary();
    if (up === undefined) start = operand.span.start;
    let down: number | undefined;
    let end = operand.span.end;
    const plus = this.peek();
    if (plus?.type === "plus") {
      this.next();
      end = plus.end;
      const depth = this.peek();
      if (depth?.type === "word" && /^\d+$/.test(depth.text) && depth.start === plus.end) {
        this.next();
        down = Number(depth.text);
        end = depth.end;
      } else {
        down = Infinity;
      }
    }
    if (up === undefined && down === undefined) return operand;
    return { type: "traverse", operand, up, down, span: { start, end } };
  }

  private parsePrimary(): SelectionExpr {
    const token = this.next();
    if (!token) {
      throw new SelectionError(
        "The selection ends too early: an asset key or expression is missing here.",
        this.endColumn(),
      );
    }
    if (token.type === "lparen") {
      const inner = this.parseOr();
      const close = this.next();
      if (close?.type !== "rparen") {
        throw new SelectionError("Missing `)`: close the parenthesis opened here.", token.start, token.end);
      }
      return { ...inner, span: { start: token.start, end: close.end } };
    }
    if (token.type === "rparen")
      throw new SelectionError(
        "Unexpected `)`: an asset key or expression is missing before it.",
        token.start,
        token.end,
      );
    if (token.type === "plus")
      throw new SelectionError(
        "Unexpected `+`: put it right before or after an asset key.",
        token.start,
        token.end,
      );
    if (token.type === "string") {
      return {
        type: "attr",
        attr: "key",
        value: token.text,
        quoted: true,
        span: { start: token.start, end: token.end },
      };
    }
    const lower = token.text.toLowerCase();
    if (lower === "and" || lower === "or") {
      throw new SelectionError(
        `\`${token.text}\` needs an expression on both sides.`,
        token.start,
        token.end,
      );
    }
    if ((lower === "roots" || lower === "sinks") && this.peek()?.type === "lparen") {
      const open = this.next()!;
      if (this.peek()?.type === "rparen")
        throw new SelectionError(`${lower}() needs a selection inside the parentheses.`, open.end);
      const operand = this.parseOr();
      const close = this.next();
      if (close?.type !== "rparen")
        throw new SelectionError(`Missing \`)\` to close ${lower}(.`, open.start, open.end);
      return { type: "function", name: lower, operand, span: { start: token.start, end: close.end } };
    }
    if (token.text === "*") return { type: "all", span: { start: token.start, end: token.end } };
    const colon = token.text.indexOf(":");
    if (colon >= 0) {
      const attr = token.text.slice(0, colon);
      if (!(ATTRIBUTES as readonly string[]).includes(attr)) {
        throw new SelectionError(
          `Unknown attribute \`${attr}:\`; use one of ${ATTRIBUTES.map((a) => a + ":").join(", ")}.`,
          token.start,
          token.start + colon + 1,
        );
      }
      let value = token.text.slice(colon + 1);
      let end = token.end;
      let quoted = false;
      if (value === "") {
        const str = this.peek();
        if (str?.type === "string" && str.start === token.end) {
          this.next();
          value = str.text;
          end = str.end;
          quoted = true;
        }
      }
      if (value === "")
        throw new SelectionError(
          `\`${attr}:\` needs a value, e.g. ${attr}:${example(attr as AttributeName)}.`,
          token.end,
        );
      return { type: "attr", attr: attr as AttributeName, value, quoted, span: { start: token.start, end } };
    }
    return {
      type: "attr",
      attr: "key",
      value: token.text,
      quoted: false,
      span: { start: token.start, end: token.end },
    };
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
      return "team:data-eng";
    case "kind":
      return "duckdb";
  }
}

/** Parses a selection; throws SelectionError (with a 1-based column) on a mistake. */
export function parseSelection(text: string): SelectionExpr {
  return new Parser(tokenize(text), text).parse();
}
