import assert from "node:assert/strict";
import { asset, check, collectDefinitions, externalAsset, type LoadedDefinitions } from "../../../sdk/src";
import { buildPlan, downstreamSteps } from "../../../sdk/src/runner/plan";

const keysOf = (plan: ReturnType<typeof buildPlan>): string[] => plan.steps.map((s) => s.key);

describe("execution plan (pure)", () => {
  it("orders steps upstream first, keeping discovery order where the graph leaves a choice", () => {
    const raw = asset("p/raw", {}, () => [1]);
    const fx = asset("p/fx", {}, () => 1);
    const clean = asset("p/clean", { ins: { raw }, deps: [fx] }, (_ctx, { raw }) => raw);
    const report = asset("p/report", { ins: { clean } }, (_ctx, { clean }) => clean.length);
    const other = asset("p/other", {}, () => 0);
    // Discovered downstream first: report, clean, raw, fx, other.
    const definitions = collectDefinitions([report, other]);
    assert.deepEqual(
      definitions.assets.map((a) => a.key),
      ["p/report", "p/clean", "p/raw", "p/fx", "p/other"],
    );
    const plan = buildPlan(
      definitions,
      definitions.assets.map((a) => a.key),
    );
    assert.deepEqual(keysOf(plan), ["p/raw", "p/fx", "p/other", "p/clean", "p/report"]);
    const step = plan.byId.get("p/clean")!;
    assert.deepEqual(step.needs, ["p/raw", "p/fx"]);
    assert.deepEqual(step.inputs, [{ name: "raw", key: "p/raw", fromPlan: true }]);
    assert.deepEqual(plan.downstream.get("p/raw"), ["p/clean"]);
    assert.deepEqual(plan.unordered, []);
    assert.deepEqual(plan.storedInputs, []);
  });

  it("says which inputs must already be stored, and leaves out what cannot be materialized", () => {
    const rates = externalAsset<number>("q/rates");
    const raw = asset("q/raw", {}, () => 1);
    const priced = asset("q/priced", { ins: { raw, rates } }, (_ctx, { raw, rates }) => raw * rates);
    const definitions = collectDefinitions([priced]);
    const plan = buildPlan(definitions, ["q/priced", "q/rates", "q/nope"]);
    assert.deepEqual(keysOf(plan), ["q/priced"]);
    assert.deepEqual(plan.byId.get("q/priced")!.needs, []);
    assert.deepEqual(plan.storedInputs, [
      { asset: "q/priced", upstream: "q/raw" },
      { asset: "q/priced", upstream: "q/rates" },
    ]);
    assert.deepEqual(plan.excluded, [
      { key: "q/rates", reason: "an external asset is never materialized" },
      { key: "q/nope", reason: "no definition declares it" },
    ]);
  });

  it("attaches each asset's checks, and names what a failure skips (depth first, each once)", () => {
    const a = asset("s/a", {}, () => 1);
    const b = asset("s/b", { ins: { a } }, (_ctx, { a }) => a);
    const c = asset("s/c", { deps: [b] }, () => 2);
    const d = asset("s/d", { deps: [a, c] }, () => 3);
    const e = asset("s/e", {}, () => 4);
    const gate = check(a, "gate", { blocking: true }, () => true);
    const soft = check(a, "soft", () => true);
    const definitions = collectDefinitions([a, b, c, d, e, gate, soft]);
    const plan = buildPlan(definitions, ["s/a", "s/b", "s/c", "s/d", "s/e"]);
    assert.deepEqual(
      plan.byId.get("s/a")!.checks.map((x) => x.name),
      ["gate", "soft"],
    );
    assert.deepEqual(plan.byId.get("s/b")!.checks, []);
    assert.deepEqual(downstreamSteps(plan, "s/a"), ["s/b", "s/c", "s/d"]);
    assert.deepEqual(downstreamSteps(plan, "s/c"), ["s/d"]);
    assert.deepEqual(downstreamSteps(plan, "s/e"), []);
    // A check on an asset outside the plan does not come with it.
    assert.deepEqual(buildPlan(definitions, ["s/b"]).byId.get("s/b")!.checks, []);
  });

  it("steps that wait on each other are kept, but marked as never able to start", () => {
    // Definitions refuse cycles; the plan still must not loop or lose them.
    const x = asset("c/x", { deps: ["c/y"] }, () => 1);
    const y = asset("c/y", { deps: ["c/x"] }, () => 2);
    const free = asset("c/free", {}, () => 3);
    const definitions: LoadedDefinitions = {
      assets: [x, y, free],
      checks: [],
      schedules: [],
      sensors: [],
      byKey: new Map([x, y, free].map((a) => [a.key, a])),
    };
    const plan = buildPlan(definitions, ["c/x", "c/y", "c/free"]);
    assert.deepEqual(keysOf(plan), ["c/free", "c/x", "c/y"]);
    assert.deepEqual(plan.unordered, ["c/x", "c/y"]);
  });
});
