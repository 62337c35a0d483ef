/** The environment: variables by their declaration node (the checker maps every identifier to one). */
import type { ts } from "ts-morph";
import type { Value } from "./values";

const NOT_FOUND = Symbol("not found");

export class Scope {
  private readonly vars = new Map<ts.Node, Value>();
  constructor(readonly parent?: Scope) {}

  set(declaration: ts.Node, value: Value): void {
    this.vars.set(declaration, value);
  }

  /** Assigns to the nearest scope that declares the variable; false when none does. */
  assign(declaration: ts.Node, value: Value): boolean {
    if (this.vars.has(declaration)) {
      this.vars.set(declaration, value);
      return true;
    }
    return this.parent ? this.parent.assign(declaration, value) : false;
  }

  lookup(declaration: ts.Node): Value | typeof NOT_FOUND {
    if (this.vars.has(declaration)) return this.vars.get(declaration);
    return this.parent ? this.parent.lookup(declaration) : NOT_FOUND;
  }

  /** The variables of this scope only (not its parents'). */
  entries(): IterableIterator<[ts.Node, Value]> {
    return this.vars.entries();
  }

  static readonly NOT_FOUND: typeof NOT_FOUND = NOT_FOUND;
}
