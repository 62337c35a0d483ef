/**
 * Assetline's side of the evaluation: the evaluator's host. It recognises the library's calls
 * (`recognise.ts`, by symbol), reads each call's key and spec with the evaluator's values into
 * the module's record (assets, checks, their diagnostics), and evaluates on their own the calls
 * no module evaluation reached (a factory nobody calls with known values, a skipped branch).
 */
import { ts } from "ts-morph";
import {
  Evaluator,
  NOT_RECOGNISED,
  Unknown,
  describe,
  isPlainObject,
  newObject,
  iterate,
  knownJson,
  shortText,
  toJson,
  type EvaluatorHost,
  type ModuleState,
  type PreviousRound,
  type Scope,
  type Value,
} from "../evaluator";
import type { PackageNames } from "../files";
import {
  emptyFileResult,
  type AssetFunction,
  type AssetRecord,
  type CheckRecord,
  type DepRef,
  type FileResult,
  type SourceSpan,
} from "../model";
import { missingResourceDiagnostics } from "../resources";
import { checkSpecInfo, unknownFieldDiagnostics } from "../specs";
import { unwrap } from "../syntax";
import {
  cronProblem,
  NOT_A_PARTITIONS_DEFINITION,
  NOT_PARTITION_MAPPINGS,
  partitionsProblems,
  type AutomationCondition,
  type PartitionMapping,
  type PartitionsDefinition,
  type PartitionsProblem,
} from "@assetline/core";
import { callDataFunction, isPartitionsFunction, type DataFunction } from "./data";
import { LibraryCalls, type TriggerFunction } from "./recognise";
import { AssetValue, CheckValue } from "./values";

/** The `timezone: "..."` value of an options object literal, to point a diagnostic at the string. */
function timezoneNode(options: ts.Expression | undefined): ts.Node | undefined {
  const literal = options && unwrap(options);
  if (!literal || !isObjectLiteralExpression(literal)) return undefined;
  for (const property of literal.properties) {
    if (isPropertyAssignment(property) && property.name.getText() === "timezone") return property.initializer;
  }
  return undefined;
}

/**
 * Whether a call is still being written: a string or template literal without its closing
 * quote, or the call, an object or an array in it without its closing bracket (the parser
 * recovered from the half-typed code). Its values are not the ones the author means yet.
 */
function isStillBeingWritten(call: ts.CallExpression): boolean {
  const sourceFile = call.getSourceFile();
  const closes = (node: ts.Node, bracket: string): boolean => node.getText(sourceFile).endsWith(bracket);
  const visit = (node: ts.Node): boolean => {
    if ((isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) && node.isUnterminated === true)
      return true;
    if (isCallExpression(node) && !closes(node, ")")) return true;
    if (isObjectLiteralExpression(node) && !closes(node, "}")) return true;
    if (isArrayLiteralExpression(node) && !closes(node, "]")) return true;
    return forEachChild(node, visit) === true;
  };
  return visit(call);
}

/** Plain data as the evaluator's values (objects without a prototype). */
function fromJson(data: unknown): Value {
  if (Array.isArray(data)) return data.map(fromJson);
  if (data !== null && typeof data === "object") {
    const object = newObject();
    for (const [key, item] of Object.entries(data)) object[key] = fromJson(item);
    return object;
  }
  return data as Value;
}

const {
  forEachChild,
  isArrayLiteralExpression,
  isArrowFunction,
  isBindingElement,
  isCallExpression,
  isExpression,
  isFunctionDeclaration,
  isFunctionExpression,
  isFunctionLike,
  isIdentifier,
  isIterationStatement,
  isObjectLiteralExpression,
  isOmittedExpression,
  isParameter,
  isPropertyAssignment,
  isShorthandPropertyAssignment,
  isSpreadAssignment,
  isSpreadElement,
  isStringLiteral,
  isSourceFile,
  isStringLiteralLike,
  isVariableDeclaration,
} = ts;

/** What the reader needs from its session. */
export interface ReaderOptions {
  /** True for files whose top level may be evaluated (the project's own sources). */
  isProjectFile(file: string): boolean;
  /** Parsed contents of a JSON file, or undefined when it cannot be read. */
  readJson(file: string): unknown;
  /** Which package a file belongs to (the library's calls are those of `assetline`). */
  packages: PackageNames;
  /**
   * The checker of the program with the standard library (the evaluator's own has none: it is
   * built faster), for names such as `Math` or `console`.
   */
  typedChecker?: () => ts.TypeChecker;
}

function spanOf(node: ts.Node, sourceFile?: ts.SourceFile): SourceSpan {
  const sf = sourceFile ?? node.getSourceFile();
  return { file: sf.fileName, start: node.getStart(sf), end: node.getEnd() };
}

/** True when the node lies inside a function or a loop: then a call there is a factory. */
function isInsideFactory(node: ts.Node): boolean {
  for (let current = node.parent; current && !isSourceFile(current); current = current.parent) {
    if (isFunctionLike(current) || isIterationStatement(current, false)) return true;
  }
  return false;
}

/** One round of reading a project's modules: the evaluator, hosted by Assetline's reader. */
export class AssetlineReader implements EvaluatorHost<FileResult> {
  readonly name = "Assetline";
  readonly typedChecker: (() => ts.TypeChecker) | undefined;
  private readonly ev: Evaluator<FileResult>;
  private readonly library: LibraryCalls;
  /** Calls whose spec was checked (unknown fields, missing resources): once per call. */
  private readonly specChecked = new WeakSet<ts.CallExpression>();
  /** The string literals inside a node, by text (null: several). */
  private readonly literalsIn = new WeakMap<ts.Node, Map<string, ts.Node | null>>();
  /** The factory call that made the asset whose spec is being read (see `DepRef.reportAt`). */
  private factorySite: SourceSpan | undefined;
  /** Whether an expression reads a function parameter, by expression. */
  private readonly parameterMentions = new WeakMap<ts.Node, boolean>();

  constructor(
    program: ts.Program,
    checker: ts.TypeChecker,
    private readonly options: ReaderOptions,
    /** The previous round: modules are reused when neither they nor what they read changed. */
    previous?: PreviousRound<FileResult>,
  ) {
    this.typedChecker = options.typedChecker;
    this.ev = new Evaluator<FileResult>(program, checker, this, previous);
    this.library = new LibraryCalls(checker, this.ev.imports, options.packages);
  }

  // ---------------------------------------------------------------- what the session asks

  /** Evaluates a module (once a round) and returns what it contributed. */
  evaluateModule(sourceFile: ts.SourceFile): FileResult {
    return this.ev.evaluateModule(sourceFile).result;
  }

  /** Every module state of this round (for the next round). */
  get states(): Map<string, ModuleState<FileResult>> {
    return this.ev.states;
  }

  /** Whether this round evaluated the module again (rather than reusing the last round's). */
  wasEvaluated(file: string): boolean {
    return this.ev.wasEvaluated(file);
  }

  /** Every call of the library in a file, found syntactically then confirmed by the checker. */
  libraryCalls(sourceFile: ts.SourceFile): { call: ts.CallExpression; fn: AssetFunction }[] {
    return this.library.libraryCalls(sourceFile);
  }

  // ---------------------------------------------------------------- the evaluator's hooks

  isProjectFile(file: string): boolean {
    return this.options.isProjectFile(file);
  }

  readJson(file: string): unknown {
    return this.options.readJson(file);
  }

  newRecord(file: string): FileResult {
    return emptyFileResult(file);
  }

  call(node: ts.CallExpression, scope: Scope): Value | typeof NOT_RECOGNISED {
    const fn = this.library.classify(node);
    if (fn === "asset" || fn === "externalAsset") return this.assetCall(node, fn, scope);
    if (fn === "check") return this.checkCall(node, scope);
    const data = this.library.dataFunction(node);
    if (data !== null) return this.dataCall(node, data, scope);
    const trigger = this.library.triggerFunction(node);
    if (trigger !== null) return this.triggerCall(node, trigger, scope);
    return NOT_RECOGNISED;
  }

  /**
   * `schedule(name, { cron, timezone, select })` and `sensor(name, { interval, targets }, fn)`:
   * their names and spec strings, for the graph (the Dagster bridge builds its schedules and
   * sensors from them); a schedule's cron is checked as an automation condition's is.
   */
  private triggerCall(node: ts.CallExpression, kind: TriggerFunction, scope: Scope): Value {
    const state = this.ev.current;
    const [nameNode, specNode] = node.arguments;
    const name = nameNode ? this.ev.eval(nameNode, scope) : undefined;
    const spec = specNode ? toJson(this.ev.eval(specNode, scope)) : undefined;
    if (!state || typeof name !== "string" || !spec || typeof spec !== "object" || Array.isArray(spec)) {
      return new Unknown(`this ${kind}'s name or spec is known only at run time`);
    }
    const fields: Record<string, string> = {};
    for (const [field, value] of Object.entries(spec as Record<string, unknown>)) {
      if (typeof value === "string") fields[field] = value;
    }
    if (kind === "schedule" && fields.cron !== undefined) {
      const problem = cronProblem(fields.cron, fields.timezone ?? "UTC");
      if (problem !== undefined) {
        const literal = unwrap(specNode as ts.Expression);
        let at: ts.Node = specNode as ts.Node;
        if (isObjectLiteralExpression(literal)) {
          const wanted = cronProblem(fields.cron) !== undefined ? "cron" : "timezone";
          for (const property of literal.properties) {
            if (isPropertyAssignment(property) && property.name.getText() === wanted)
              at = property.initializer;
          }
        }
        state.result.diagnostics.push({
          span: spanOf(at, state.sourceFile),
          severity: "error",
          code: "invalid-automation",
          message: `Schedule "${name}": ${problem}`,
        });
      }
    }
    state.result.triggers.push({ kind, call: spanOf(node, state.sourceFile), name, fields });
    return new Unknown(`a ${kind} is evaluated only at run time`);
  }

  /**
   * `eager()`, `onCron("0 6 * * *", { timezone })`, ...: the library's own function applied to
   * the arguments evaluated statically, so the editor reads the same data the run time builds.
   * A cron expression or time zone that cannot be used is an `invalid-automation` diagnostic
   * on the very string.
   */
  private dataCall(node: ts.CallExpression, fn: DataFunction, scope: Scope): Value {
    // All or nothing: an option whose value is unknown must not read as its default.
    const args = node.arguments.map((argument) => knownJson(this.ev.eval(argument, scope)));
    const unknown = args.findIndex((a) => a === undefined);
    if (unknown >= 0) return new Unknown(`the arguments of ${fn}(...) are known only at run time`);
    // Code still being typed (`{ start: "2024-`, `staticPartitions(["a", "a"`) has no value
    // yet: nothing to report on it.
    if (isPartitionsFunction(fn) && isStillBeingWritten(node)) {
      return new Unknown(`the arguments of ${fn}(...) are still being written`);
    }
    if (fn === "onCron" || fn === "cronTickPassed" || fn === "allDepsUpdatedSinceCron") {
      const [cron, options] = args;
      const timezone =
        options && typeof options === "object" && "timezone" in options ? options.timezone : "UTC";
      const state = this.ev.current;
      const problem =
        typeof cron !== "string"
          ? `${fn} needs a cron expression as a string, e.g. "0 6 * * *".`
          : typeof timezone !== "string"
            ? `the time zone must be a string such as "Europe/Berlin".`
            : cronProblem(cron, timezone);
      if (problem !== undefined && state) {
        const at =
          typeof cron === "string" && cronProblem(cron) !== undefined
            ? node.arguments[0]
            : (timezoneNode(node.arguments[1]) ?? node.arguments[1] ?? node.arguments[0]);
        // Built by a project function from its parameters: where it is called (the caller chose
        // the value); else the string itself, in its own module.
        const site = this.ev.callSites.find((call) => call.getSourceFile().fileName === state.file);
        const place = at ?? node;
        state.result.diagnostics.push({
          span: site && this.mentionsParameter(place) ? spanOf(site) : spanOf(place),
          severity: "error",
          code: "invalid-automation",
          message: `${problem.replace(/^./, (c) => c.toUpperCase())}`,
        });
        return new Unknown(problem);
      }
    }
    const result = callDataFunction(fn, args);
    if ("error" in result) {
      const state = this.ev.current;
      if (result.partitionsProblems && state) {
        // One diagnostic per offending option, with the library's sentences.
        const byNode = new Map<ts.Node, string[]>();
        for (const problem of result.partitionsProblems) {
          const at = this.problemNode(node, problem);
          byNode.set(at, [...(byNode.get(at) ?? []), problem.message]);
        }
        // Made by a project function from its parameters: where the function is called (the
        // caller chose the value), as for a factory's deps.
        const site = this.ev.callSites.find((call) => call.getSourceFile().fileName === state.file);
        for (const [at, messages] of byNode) {
          state.result.diagnostics.push({
            span: site && this.mentionsParameter(at) ? spanOf(site) : spanOf(at),
            severity: "error",
            code: "invalid-partitions",
            message: messages.join(" "),
          });
        }
      }
      return new Unknown(result.error);
    }
    return fromJson(result.value);
  }

  /**
   * The syntax a partitions problem is about: its path (`["start"]`, `["region", "keys", 1]`)
   * followed through the arguments as written, as deep as they are literals (a call of a
   * partitions constructor inside is followed too); where it stops, that expression.
   */
  private problemNode(call: ts.CallExpression, problem: PartitionsProblem): ts.Node {
    let path = problem.path;
    let node: ts.Node = call;
    for (;;) {
      const inner = isExpression(node) ? unwrap(node) : node;
      if (isCallExpression(inner)) {
        const fn = this.library.dataFunction(inner);
        const argument = inner.arguments[0];
        if (fn === null || !isPartitionsFunction(fn) || argument === undefined) return node;
        // staticPartitions(keys): the path's "keys" is the argument itself.
        if (fn === "staticPartitions" && path[0] === "keys") path = path.slice(1);
        node = argument;
        continue;
      }
      if (path.length === 0) return node;
      const [step, ...rest] = path;
      let next: ts.Node | undefined;
      if (isObjectLiteralExpression(inner) && typeof step === "string") {
        for (const property of inner.properties) {
          const name =
            property.name && (isIdentifier(property.name) || isStringLiteral(property.name))
              ? property.name.text
              : undefined;
          if (name !== step) continue;
          if (isPropertyAssignment(property)) next = property.initializer;
          else if (isShorthandPropertyAssignment(property)) next = property.name;
        }
      } else if (isArrayLiteralExpression(inner) && typeof step === "number") {
        const elements = inner.elements;
        const spreadBefore = elements.slice(0, step + 1).some((element) => isSpreadElement(element));
        if (!spreadBefore) next = elements[step];
      }
      if (next === undefined) return node;
      node = next;
      path = rest;
    }
  }

  /** `export const orders = asset(...)`: the asset's export name. */
  declared(declaration: ts.VariableDeclaration, value: Value): void {
    if (value instanceof AssetValue && isIdentifier(declaration.name) && declaration.initializer) {
      const init = unwrap(declaration.initializer);
      if (value.record.callNode === init) value.record.exportName = declaration.name.text;
    }
  }

  stopped(statement: ts.Statement, state: ModuleState<FileResult>): void {
    state.result.diagnostics.push({
      span: spanOf(statement, state.sourceFile),
      severity: "info",
      code: "dynamic-asset",
      message:
        "Assetline stopped evaluating this statement (too many steps); assets it would create are not in the graph.",
    });
  }

  // ---------------------------------------------------------------- reading the calls

  private assetCall(node: ts.CallExpression, fn: "asset" | "externalAsset", scope: Scope): Value {
    const state = this.ev.current;
    state.result.evaluatedCalls.add(node);
    const sourceFile = node.getSourceFile();
    const keyNode = node.arguments[0];
    const keyValue: Value = keyNode
      ? this.ev.eval(keyNode, scope)
      : new Unknown("the key argument is missing");
    const record: AssetRecord = {
      call: spanOf(node, sourceFile),
      keySpan: spanOf(keyNode ?? node, sourceFile),
      generated: isInsideFactory(node),
      external: fn === "externalAsset",
      deps: [],
      checks: [],
      callNode: node,
    };
    const site = this.ev.callSites.find((call) => call.getSourceFile().fileName === state.file);
    if (site && record.generated) {
      record.site = spanOf(site);
      record.siteNode = site;
    }
    if (typeof keyValue === "string") record.key = keyValue;
    else if (keyValue instanceof Unknown) {
      state.result.diagnostics.push({
        // Made by a project factory: where the factory is called (its arguments choose the key).
        span: record.site ?? record.keySpan,
        severity: "info",
        code: "dynamic-asset",
        message: `This asset's key cannot be evaluated statically (${keyValue.reason}); it is not in the graph.`,
      });
    } else {
      state.result.diagnostics.push({
        span: record.keySpan,
        severity: "error",
        code: "invalid-key",
        message: `An asset key must be a string, not ${describe(keyValue)}.`,
      });
    }
    const spec = node.arguments[1];
    const specIsCompute = spec !== undefined && (isArrowFunction(spec) || isFunctionExpression(spec));
    const outerSite = this.factorySite;
    this.factorySite = record.site;
    let evaluatedResources: Set<string> | undefined = new Set<string>();
    try {
      if (spec && !specIsCompute) evaluatedResources = this.readSpec(record, spec, scope);
    } finally {
      this.factorySite = outerSite;
    }
    if (fn === "asset") record.computeNode = specIsCompute ? spec : node.arguments[2];
    // What the spec says wrong, once per call, however many assets a factory makes from it.
    if (!this.specChecked.has(node)) {
      this.specChecked.add(node);
      if (!specIsCompute) state.result.diagnostics.push(...unknownFieldDiagnostics(fn, spec));
      if (fn === "asset") {
        state.result.diagnostics.push(
          ...missingResourceDiagnostics(
            this.functionOf(record.computeNode),
            specIsCompute ? undefined : spec,
            evaluatedResources,
          ),
        );
      }
    }
    state.result.assets.push(record);
    return new AssetValue(record);
  }

  /**
   * Reads the spec into the record; returns the names of the declared resources when the
   * evaluator can tell them (the spec or its `resources` held in variables), else undefined.
   */
  private readSpec(record: AssetRecord, spec: ts.Expression, scope: Scope): Set<string> | undefined {
    const literal = unwrap(spec);
    const fields = new Map<string, { node: ts.Node; value: () => Value; expression?: ts.Expression }>();
    let complete = true;
    if (isObjectLiteralExpression(literal)) {
      for (const property of literal.properties) {
        if (isPropertyAssignment(property)) {
          const name = this.ev.propertyName(property.name, scope);
          if (name !== undefined) {
            fields.set(name, {
              node: property.initializer,
              expression: property.initializer,
              value: () => this.ev.eval(property.initializer, scope),
            });
          }
        } else if (isShorthandPropertyAssignment(property)) {
          fields.set(property.name.text, {
            node: property.name,
            value: () => this.ev.shorthand(property, scope),
          });
        } else if (isSpreadAssignment(property)) {
          const spread = this.ev.eval(property.expression, scope);
          if (isPlainObject(spread)) {
            for (const [name, value] of Object.entries(spread)) {
              fields.set(name, { node: property, value: () => value });
            }
          } else complete = false;
        } else complete = false;
      }
    } else {
      const value = this.ev.eval(spec, scope);
      if (isPlainObject(value)) {
        for (const [name, item] of Object.entries(value)) fields.set(name, { node: spec, value: () => item });
      } else complete = false;
    }

    const ins = fields.get("ins");
    if (ins) this.readIns(record, ins.expression, ins.node, ins.value, scope);
    const deps = fields.get("deps");
    if (deps) this.readDeps(record, deps.expression, deps.node, deps.value, scope);

    const text = (name: string): string | undefined => {
      const field = fields.get(name);
      const value = field?.value();
      return typeof value === "string" ? value : undefined;
    };
    const list = (name: string): string[] | undefined => {
      const field = fields.get(name);
      const value = field ? toJson(field.value()) : undefined;
      return Array.isArray(value) && value.every((item) => typeof item === "string") ? value : undefined;
    };
    const group = text("group");
    if (group !== undefined) record.group = group;
    const codeVersion = text("codeVersion");
    if (codeVersion !== undefined) record.codeVersion = codeVersion;
    const description = text("description");
    if (description !== undefined) record.description = description;
    const owners = list("owners");
    if (owners) record.owners = owners;
    const kinds = list("kinds");
    if (kinds) record.kinds = kinds;
    const tagsField = fields.get("tags");
    if (tagsField) {
      const tags = toJson(tagsField.value());
      if (tags && typeof tags === "object" && !Array.isArray(tags)) {
        const result: Record<string, string> = {};
        for (const [key, value] of Object.entries(tags)) {
          if (typeof value === "string") result[key] = value;
        }
        record.tags = result;
      }
    }
    const freshnessField = fields.get("freshness");
    if (freshnessField) {
      const freshness = toJson(freshnessField.value());
      if (freshness && typeof freshness === "object" && !Array.isArray(freshness)) {
        const maxLag = (freshness as Record<string, unknown>).maxLag;
        if (typeof maxLag === "string") record.maxLag = maxLag;
      }
    }
    const automationField = fields.get("automation");
    if (automationField) {
      const automation = toJson(automationField.value());
      if (automation && typeof automation === "object" && "type" in automation) {
        record.automation = automation as AutomationCondition;
      } else if (automation !== undefined) {
        const state = this.ev.current;
        state?.result.diagnostics.push({
          span: spanOf(automationField.node, state.sourceFile),
          severity: "error",
          code: "invalid-automation",
          message:
            "This is not an automation condition; write eager(), onCron(...), onMissing() or a combination of them.",
        });
      }
    }
    const partitionsField = fields.get("partitions");
    if (partitionsField) this.readPartitions(record, partitionsField.node, partitionsField.value());
    const mappingsField = fields.get("partitionMappings");
    if (mappingsField) this.readPartitionMappings(record, mappingsField, scope);
    const metadataField = fields.get("metadata");
    if (metadataField) {
      const metadata = toJson(metadataField.value());
      if (metadata && typeof metadata === "object" && !Array.isArray(metadata)) {
        record.metadata = metadata as Record<string, unknown>;
      }
    }
    const resourcesField = fields.get("resources");
    if (!resourcesField) return complete ? new Set() : undefined;
    const resources = resourcesField.value();
    return isPlainObject(resources) ? new Set(Object.keys(resources)) : undefined;
  }

  /**
   * The spec's `partitions`: the definition its constructor built (a bad one was reported on the
   * call's arguments, `dataCall`), or a definition written out as an object, checked with the
   * library's rule; anything else known is `invalid-partitions`. A value not known statically
   * says nothing (and no mismatch is reported on it).
   */
  private readPartitions(record: AssetRecord, node: ts.Node, value: Value): void {
    const data = knownJson(value);
    if (value instanceof Unknown || data === undefined) {
      record.partitionsUnknown = true;
      return;
    }
    const state = this.ev.current;
    const report = (message: string): void => {
      record.partitionsUnknown = true;
      state?.result.diagnostics.push({
        span: spanOf(node, state.sourceFile),
        severity: "error",
        code: "invalid-partitions",
        message,
      });
    };
    if (!data || typeof data !== "object" || Array.isArray(data) || !("type" in data)) {
      report(NOT_A_PARTITIONS_DEFINITION);
      return;
    }
    let problems: string[];
    try {
      problems = partitionsProblems(data as PartitionsDefinition);
    } catch {
      problems = [NOT_A_PARTITIONS_DEFINITION];
    }
    if (problems.length > 0) report(problems.join(" "));
    else record.partitions = data as PartitionsDefinition;
  }

  /**
   * The spec's `partitionMappings`, entry by entry so that each keeps its own range; whether
   * each fits its input is decided with the graph (graph.ts), where the upstream is known.
   */
  private readPartitionMappings(
    record: AssetRecord,
    field: { node: ts.Node; value: () => Value; expression?: ts.Expression },
    scope: Scope,
  ): void {
    const mappings: Record<string, PartitionMapping> = {};
    const spans: Record<string, SourceSpan> = {};
    const unknown = new Set<string>();
    const add = (name: string, value: Value, node: ts.Node): void => {
      const data = knownJson(value);
      if (value instanceof Unknown || data === undefined) unknown.add(name);
      else {
        mappings[name] = data as PartitionMapping;
        spans[name] = spanOf(node);
      }
    };
    const literal = field.expression ? unwrap(field.expression) : undefined;
    if (literal && isObjectLiteralExpression(literal)) {
      for (const property of literal.properties) {
        if (isPropertyAssignment(property)) {
          const name = this.ev.propertyName(property.name, scope);
          if (name === undefined) record.unknownPartitionMappings = "all";
          else add(name, this.ev.eval(property.initializer, scope), property.initializer);
        } else if (isShorthandPropertyAssignment(property)) {
          add(property.name.text, this.ev.shorthand(property, scope), property.name);
        } else {
          const spread = isSpreadAssignment(property) ? this.ev.eval(property.expression, scope) : undefined;
          if (spread !== undefined && isPlainObject(spread)) {
            for (const [name, item] of Object.entries(spread)) add(name, item, property);
          } else record.unknownPartitionMappings = "all";
        }
      }
    } else {
      const value = field.value();
      if (isPlainObject(value)) {
        for (const [name, item] of Object.entries(value)) add(name, item, field.node);
      } else {
        record.unknownPartitionMappings = "all";
        if (!(value instanceof Unknown)) {
          const state = this.ev.current;
          state?.result.diagnostics.push({
            span: spanOf(field.node, state.sourceFile),
            severity: "error",
            code: "partition-mismatch",
            message: NOT_PARTITION_MAPPINGS,
          });
        }
        return;
      }
    }
    record.partitionMappings = mappings;
    record.partitionMappingSpans = spans;
    if (unknown.size > 0 && record.unknownPartitionMappings !== "all")
      record.unknownPartitionMappings = unknown;
  }

  private readIns(
    record: AssetRecord,
    expression: ts.Expression | undefined,
    node: ts.Node,
    value: () => Value,
    scope: Scope,
  ): void {
    const literal = expression ? unwrap(expression) : undefined;
    if (literal && isObjectLiteralExpression(literal)) {
      // Evaluated property by property, so that each reference keeps its own range.
      for (const property of literal.properties) {
        if (isPropertyAssignment(property)) {
          const inputName =
            isIdentifier(property.name) || isStringLiteral(property.name)
              ? property.name.text
              : property.name.getText();
          const itemNode = unwrap(property.initializer);
          record.deps.push(this.depFrom(this.ev.eval(property.initializer, scope), itemNode, inputName));
        } else if (isShorthandPropertyAssignment(property)) {
          record.deps.push(
            this.depFrom(this.ev.shorthand(property, scope), property.name, property.name.text),
          );
        } else if (isSpreadAssignment(property)) {
          const spread = this.ev.eval(property.expression, scope);
          if (isPlainObject(spread)) {
            for (const [name, item] of Object.entries(spread))
              record.deps.push(this.depFrom(item, property, name));
          } else record.deps.push(this.depFrom(spread, property));
        }
      }
      return;
    }
    const evaluated = value();
    if (isPlainObject(evaluated)) {
      for (const [name, item] of Object.entries(evaluated)) record.deps.push(this.depFrom(item, node, name));
    } else {
      record.deps.push(this.depFrom(evaluated, node));
    }
  }

  private readDeps(
    record: AssetRecord,
    expression: ts.Expression | undefined,
    node: ts.Node,
    value: () => Value,
    scope: Scope,
  ): void {
    const literal = expression ? unwrap(expression) : undefined;
    if (literal && isArrayLiteralExpression(literal)) {
      for (const element of literal.elements) {
        if (isSpreadElement(element)) {
          const spread = this.ev.eval(element.expression, scope);
          const items = iterate(spread);
          if (items) for (const item of items) record.deps.push(this.depFrom(item, element));
          else record.deps.push(this.depFrom(spread, element));
        } else if (!isOmittedExpression(element)) {
          record.deps.push(this.depFrom(this.ev.eval(element, scope), unwrap(element)));
        }
      }
      return;
    }
    const evaluated = value();
    const items = iterate(evaluated);
    if (items) for (const item of items) record.deps.push(this.depFrom(item, node));
    else record.deps.push(this.depFrom(evaluated, node));
  }

  private depFrom(value: Value, node: ts.Node, input?: string): DepRef {
    // A key read from a larger expression (a spec built by a helper) points at its own string
    // when that string is written inside the expression, once.
    const written =
      typeof value === "string" && !isStringLiteralLike(node) ? this.literalIn(node, value) : undefined;
    const span = spanOf(written ?? node);
    const dep: DepRef = { span, via: "string" };
    if (this.factorySite && this.mentionsParameter(node)) dep.reportAt = this.factorySite;
    if (input !== undefined) dep.input = input;
    if (typeof value === "string") {
      dep.key = value;
      return dep;
    }
    dep.via = "reference";
    if (value instanceof AssetValue) {
      if (value.record.key !== undefined) dep.key = value.record.key;
      else dep.problem = { kind: "dynamic", message: "the upstream asset's key is known only at run time" };
      return dep;
    }
    if (value instanceof Unknown) {
      dep.problem = value.undefinedName
        ? {
            kind: "undefined-name",
            message: value.reason,
            ...(ts.isIdentifier(node) ? { name: node.text } : {}),
          }
        : { kind: "dynamic", message: value.reason };
      return dep;
    }
    dep.problem = {
      kind: "not-an-asset",
      message: `\`${shortText(node)}\` is ${describe(value)}, not an asset (expected a reference to an asset or a key string)`,
    };
    return dep;
  }

  private checkCall(node: ts.CallExpression, scope: Scope): Value {
    const state = this.ev.current;
    state.result.evaluatedCalls.add(node);
    const sourceFile = node.getSourceFile();
    const targetNode = node.arguments[0];
    const nameNode = node.arguments[1];
    const record: CheckRecord = {
      span: spanOf(node, sourceFile),
      targetSpan: spanOf(targetNode ? unwrap(targetNode) : node, sourceFile),
    };
    // `check(target, name, spec, fn)`; `check(target, name, fn)` has no spec.
    const spec = node.arguments[2];
    if (spec && !isArrowFunction(spec) && !isFunctionExpression(spec) && !this.specChecked.has(node)) {
      this.specChecked.add(node);
      state.result.diagnostics.push(...unknownFieldDiagnostics("check", spec));
    }
    // Made by a project helper (`const fresh = (target) => check(target, ...)`): a target that
    // comes from the helper's parameters is the caller's choice.
    const site = this.ev.callSites.find((call) => call.getSourceFile().fileName === state.file);
    if (site && targetNode && isInsideFactory(node) && this.mentionsParameter(targetNode)) {
      record.targetReportAt = spanOf(site);
    }
    const name = nameNode ? this.ev.eval(nameNode, scope) : undefined;
    if (typeof name === "string") record.name = name;
    if (spec && !isArrowFunction(spec) && !isFunctionExpression(spec)) {
      const specInfo = checkSpecInfo(toJson(this.ev.eval(spec, scope)));
      if (specInfo) record.spec = specInfo;
    }
    const target = targetNode
      ? this.ev.eval(targetNode, scope)
      : new Unknown("the target argument is missing");
    if (target instanceof AssetValue) record.target = target.record;
    else if (typeof target === "string") record.targetKey = target;
    else if (target instanceof Unknown) {
      // A target known only at run time is not an error; a name that resolves to nothing is.
      if (target.undefinedName)
        record.problem = `${target.reason}; a check needs a reference to an asset or its key`;
    } else {
      record.problem = `\`${targetNode ? shortText(targetNode) : "?"}\` is ${describe(target)}, not an asset`;
    }
    state.result.checks.push(record);
    return new CheckValue(record);
  }

  /** The function a compute argument is: written inline, or a project function by name. */
  private functionOf(node: ts.Node | undefined): ts.Node | undefined {
    const inner = node && isExpression(node) ? unwrap(node) : node;
    if (!inner || !isIdentifier(inner)) return inner;
    const declaration = this.ev.declarationOf(inner);
    const fn = declaration && isVariableDeclaration(declaration) ? declaration.initializer : declaration;
    if (!fn || !this.isProjectFile(fn.getSourceFile().fileName)) return undefined;
    return isFunctionDeclaration(fn) || isArrowFunction(fn) || isFunctionExpression(fn) ? fn : undefined;
  }

  /** The string literal with this text inside a node; undefined when none or several. */
  private literalIn(node: ts.Node, text: string): ts.Node | undefined {
    let literals = this.literalsIn.get(node);
    if (!literals) {
      const found = new Map<string, ts.Node | null>();
      const visit = (current: ts.Node): void => {
        if (isStringLiteralLike(current)) {
          found.set(current.text, found.has(current.text) ? null : current);
        } else forEachChild(current, visit);
      };
      visit(node);
      literals = found;
      this.literalsIn.set(node, literals);
    }
    return literals.get(text) ?? undefined;
  }

  /** Whether an expression reads a function parameter (its value then comes from the caller). */
  private mentionsParameter(node: ts.Node): boolean {
    let known = this.parameterMentions.get(node);
    if (known !== undefined) return known;
    const visit = (current: ts.Node): boolean => {
      if (isIdentifier(current)) {
        const shorthand = isShorthandPropertyAssignment(current.parent) && current.parent.name === current;
        const symbol = shorthand
          ? this.ev.checker.getShorthandAssignmentValueSymbol(current.parent)
          : this.ev.checker.getSymbolAtLocation(current);
        let declaration: ts.Node | undefined = symbol?.valueDeclaration;
        while (declaration && isBindingElement(declaration)) declaration = declaration.parent.parent;
        return declaration !== undefined && isParameter(declaration);
      }
      return forEachChild(current, visit) === true;
    };
    known = visit(node);
    this.parameterMentions.set(node, known);
    return known;
  }

  /**
   * Evaluates a library call the module evaluation never reached (inside a function nobody
   * calls with known values, a class, a skipped branch), in its module's scope.
   */
  evaluateUnreached(call: ts.CallExpression, fn: AssetFunction, result: FileResult): void {
    const place = this.ev.unreachedPlace(call);
    if (place === "never") return;
    const sourceFile = call.getSourceFile();
    this.ev.inModule(sourceFile, result, (scope) => {
      if (fn === "check") {
        this.checkCall(call, scope);
        return;
      }
      const keyNode = call.arguments[0];
      const key = keyNode ? this.ev.eval(keyNode, scope) : undefined;
      if (typeof key === "string") {
        this.assetCall(call, fn, scope);
        if (place !== "module") {
          result.diagnostics.push({
            span: spanOf(keyNode ?? call, sourceFile),
            severity: "info",
            code: "dynamic-asset",
            message: `Whether this asset exists is known only at run time (${place.mayRun}); the graph shows it.`,
          });
        }
        return;
      }
      const reason =
        place !== "module" ? place.mayRun : key instanceof Unknown ? key.reason : "the key is not a string";
      result.evaluatedCalls.add(call);
      result.diagnostics.push({
        span: spanOf(keyNode ?? call, sourceFile),
        severity: "info",
        code: "dynamic-asset",
        message: `This asset's key cannot be evaluated statically (${reason}); it is not in the graph.`,
      });
    });
  }
}
