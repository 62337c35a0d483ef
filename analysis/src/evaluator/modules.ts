/**
 * Modules: each evaluated once a round, in the order they are first read; reused from the
 * previous round when neither the module nor anything it read changed as far as it can see.
 */
import { ts } from "ts-morph";
import { isStop } from "./budget";
import type { Evaluator, ModuleRecord, ModuleState } from "./evaluator";
import { Scope } from "./scope";
import { execTopLevel, hoistFunctions } from "./statements";
import {
  BuiltinValue,
  CollectionValue,
  FunctionValue,
  HostValue,
  NamespaceValue,
  Unknown,
  classes,
  type Value,
} from "./values";

const {
  getModeForUsageLocation,
  isExportAssignment,
  isExportDeclaration,
  isImportDeclaration,
  isImportEqualsDeclaration,
  isSourceFile,
  isStringLiteral,
} = ts;

/**
 * The previous round's state of a module, when the file is unchanged and every module it read
 * is unchanged as far as it can observe (early cutoff: a re-evaluated module with the same
 * signature does not invalidate its readers).
 */
function reusable<R extends ModuleRecord>(
  ev: Evaluator<R>,
  sourceFile: ts.SourceFile,
): ModuleState<R> | undefined {
  const file = sourceFile.fileName;
  const previous = ev.previous.states.get(file);
  if (!previous || previous.sourceFile !== sourceFile || ev.previous.dirty.has(file)) return undefined;
  ev.validating.add(file);
  try {
    for (const read of previous.result.reads) {
      if (read === file || ev.validating.has(read)) continue;
      if (read.endsWith(".json")) {
        if (ev.previous.dirty.has(read)) return undefined;
        continue;
      }
      const readSource = ev.program.getSourceFile(read);
      if (!readSource || !ev.host.isProjectFile(read)) return undefined;
      if (moduleState(ev, readSource).changed) return undefined;
    }
  } finally {
    ev.validating.delete(file);
  }
  return previous;
}

export function moduleState<R extends ModuleRecord>(
  ev: Evaluator<R>,
  sourceFile: ts.SourceFile,
): ModuleState<R> {
  const file = sourceFile.fileName;
  const existing = ev.modules.get(file);
  if (existing) return existing;
  const reused = reusable(ev, sourceFile);
  if (reused) {
    reused.changed = false;
    ev.modules.set(file, reused);
    return reused;
  }
  const state: ModuleState<R> = {
    file,
    sourceFile,
    scope: new Scope(),
    result: ev.host.newRecord(file),
    done: false,
    signature: "",
    changed: true,
  };
  ev.modules.set(file, state);
  ev.stack.push(state);
  const savedSteps = ev.budget.steps;
  const savedDepth = ev.budget.depth;
  ev.budget.steps = 0;
  ev.budget.depth = 0;
  try {
    readImports(ev, sourceFile, state.result.reads);
    hoistFunctions(ev, sourceFile.statements, state.scope);
    for (const statement of sourceFile.statements) {
      try {
        execTopLevel(ev, statement, state.scope);
      } catch (error) {
        // A runaway loop, or values or nesting too large for the engine (RangeError).
        if (isStop(error)) {
          ev.host.stopped(statement, state);
          break;
        }
        throw error;
      }
    }
  } finally {
    state.done = true;
    ev.stack.pop();
    ev.budget.steps = savedSteps;
    ev.budget.depth = savedDepth;
  }
  state.signature = moduleSignature(state);
  const before = ev.previous.states.get(file);
  state.changed = !before || before.signature !== state.signature;
  return state;
}

/** Every project module a module imports or re-exports from is something it reads. */
function readImports(ev: Evaluator, sourceFile: ts.SourceFile, reads: Set<string>): void {
  // The program's own resolution (internal API, with the checker as the fallback).
  const program = ev.program as ts.Program & {
    getResolvedModule?: (
      file: ts.SourceFile,
      name: string,
      mode: ts.ResolutionMode,
    ) => { resolvedModule?: { resolvedFileName: string } } | undefined;
  };
  for (const statement of sourceFile.statements) {
    const specifier =
      isImportDeclaration(statement) || isExportDeclaration(statement)
        ? statement.moduleSpecifier
        : undefined;
    if (!specifier || !isStringLiteral(specifier)) continue;
    let target: string | undefined;
    if (program.getResolvedModule) {
      // The program's options (a project has one tsconfig.json), not `program.getModeForUsageLocation`,
      // which looks for project-reference redirects on every call.
      const mode = getModeForUsageLocation(sourceFile, specifier, ev.program.getCompilerOptions());
      target = program.getResolvedModule(sourceFile, specifier.text, mode)?.resolvedModule?.resolvedFileName;
    } else {
      const declaration = ev.checker.getSymbolAtLocation(specifier)?.declarations?.[0];
      if (declaration && isSourceFile(declaration)) target = declaration.fileName;
    }
    if (target && ev.host.isProjectFile(target)) reads.add(target);
  }
}

function moduleSignature(state: ModuleState): string {
  const parts: string[] = [];
  for (const statement of state.sourceFile.statements) {
    if (
      isExportDeclaration(statement) ||
      isExportAssignment(statement) ||
      isImportEqualsDeclaration(statement)
    ) {
      parts.push(statement.getText(state.sourceFile));
    }
  }
  for (const [declaration, value] of state.scope.entries()) {
    const name = (declaration as { name?: ts.Node }).name;
    const label = name ? name.getText(state.sourceFile) : isExportAssignment(declaration) ? "default" : "";
    parts.push(`${label}=${valueSignature(value, 0)}`);
  }
  return parts.join("\n");
}

function valueSignature(value: Value, depth: number): string {
  if (depth > 8) return "…";
  if (value === undefined) return "u";
  if (
    value === null ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean"
  ) {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => valueSignature(item, depth + 1)).join(",")}]`;
  if (value instanceof HostValue) return value.signature();
  if (value instanceof Unknown) return "?";
  if (value instanceof NamespaceValue) return `ns(${value.file.fileName})`;
  if (value instanceof BuiltinValue) return `builtin(${value.name})`;
  if (value instanceof FunctionValue) return `fn(${value.node.getText()})`;
  if (value instanceof CollectionValue) {
    const entries = [...value.items].map(
      ([key, item]) => `${valueSignature(key, depth + 1)}=>${valueSignature(item, depth + 1)}`,
    );
    return `${value.kind}(${entries.join(",")})`;
  }
  // A class: its text too (what its instances do lies in its methods, not in its statics).
  const declaration = classes.get(value)?.node;
  return `${declaration ? `class(${declaration.getText()})` : ""}{${Object.entries(value)
    .map(([key, item]) => `${JSON.stringify(key)}:${valueSignature(item, depth + 1)}`)
    .join(",")}}`;
}
