import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, readConfig } from "../../../sdk/src/config";
import { asset, check, collectDefinitions, defineAssets, externalAsset, resource } from "../../../sdk/src";
import { parseDuration, type RunIndex } from "../../../core/src";
import { computeStatus } from "../../../sdk/src/status/status";

describe("status: freshness and durations", () => {
  it("parses short and ISO 8601 durations", () => {
    assert.equal(parseDuration("24h"), 24 * 3600e3);
    assert.equal(parseDuration("30m"), 30 * 60e3);
    assert.equal(parseDuration("7d"), 7 * 864e5);
    assert.equal(parseDuration("PT6H"), 6 * 3600e3);
    assert.equal(parseDuration("P1DT30M"), 864e5 + 30 * 60e3);
    assert.equal(parseDuration("soon"), undefined);
    assert.equal(parseDuration("P"), undefined);
  });

  it("flags an asset older than its freshness maxLag", () => {
    const a = asset("f/a", { freshness: { maxLag: "24h" } }, () => 1);
    const defs = collectDefinitions([a]);
    const time = "2026-11-20T00:00:00.000Z";
    const index: RunIndex = {
      version: 1,
      runs: {},
      assets: {
        "f/a": {
          key: "f/a",
          lastRunId: "r1",
          lastStatus: "success",
          lastTime: time,
          lastSuccess: { runId: "r1", time, durationMs: 1 },
        },
      },
    };
    const fresh = computeStatus(defs, index, Date.parse(time) + 23 * 3600e3)[0]!;
    assert.equal(fresh.state, "fresh");
    const stale = computeStatus(defs, index, Date.parse(time) + 25 * 3600e3)[0]!;
    assert.equal(stale.state, "stale");
    assert.equal(stale.reasons[0]!.code, "freshness");
    assert.match(stale.reasons[0]!.message, /1 h past its freshness maxLag 24h/);
  });
});

describe("declaration checks on spec fields", () => {
  it("refuses a field a declaration does not take, suggesting the closest one", () => {
    const target = asset("f/target", {}, () => 1);
    const cases: Array<[() => unknown, RegExp]> = [
      [
        () => asset("f/a", { timeout: "2s" } as never, () => 1),
        /^asset\("f\/a"\): unknown field `timeout`; did you mean `timeoutMs`\?$/,
      ],
      [
        () => asset("f/b", { zzz: 1 } as never, () => 1),
        /^asset\("f\/b"\): unknown field `zzz`; an asset's spec takes `ins`, `deps`, .*`timeoutMs`\.$/,
      ],
      [
        () => externalAsset("f/c", { timeoutMs: 5 } as never),
        /^externalAsset\("f\/c"\): `timeoutMs` does not apply to an external asset/,
      ],
      [
        () => check(target, "gate", { blokcing: true } as never, () => true),
        /^check\("gate"\) on "f\/target": unknown field `blokcing`; did you mean `blocking`\?$/,
      ],
      [
        () => resource("db", () => 1, { teardwon: () => undefined } as never),
        /^resource\("db"\): unknown field `teardwon`; did you mean `teardown`\?$/,
      ],
      [
        () => defineAssets({ asset: [target] } as never),
        /^defineAssets: unknown field `asset`; did you mean `assets`\?$/,
      ],
    ];
    for (const [declare, message] of cases)
      assert.throws(declare, (error: Error) => message.test(error.message));
    assert.doesNotThrow(() => asset("f/ok", { timeoutMs: 5, group: "f", deps: [target] }, () => 1));
  });
});

describe("declaration checks on metadata", () => {
  it("rejects classification and freshness values that cannot mean anything", () => {
    assert.throws(
      () => asset("m/a", { metadata: { pii: "yes" as never } }, () => 1),
      /metadata\.pii must be true or false/,
    );
    assert.throws(
      () => asset("m/b", { metadata: { retention: "30 days" } }, () => 1),
      /metadata\.retention "30 days" is not an ISO 8601 duration; use e\.g\. "P30D"/,
    );
    assert.throws(
      () => asset("m/c", { freshness: { maxLag: "daily" } }, () => 1),
      /freshness\.maxLag "daily" is not a duration/,
    );
    assert.throws(
      () => asset("m/d", { tags: { layer: 1 as never } }, () => 1),
      /tags must map names to strings \(tag "layer" is number\)/,
    );
    assert.throws(
      () => asset("m/e", { owners: "team:x" as never }, () => 1),
      /owners must be an array of strings/,
    );
    assert.doesNotThrow(() =>
      asset(
        "m/f",
        {
          metadata: { pii: true, securityClass: "restricted", retention: "P1Y" },
          freshness: { maxLag: "PT6H" },
        },
        () => 1,
      ),
    );
    assert.equal(parseDuration("P1Y"), 365 * 864e5);
    assert.equal(parseDuration("P6M"), 180 * 864e5);
  });
});

describe("assetline.config.json validation", () => {
  const roots: string[] = [];
  after(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
  const configIn = (config: unknown): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-config-"));
    roots.push(dir);
    fs.writeFileSync(
      path.join(dir, "assetline.config.json"),
      typeof config === "string" ? config : JSON.stringify(config),
    );
    return dir;
  };

  it("accepts the example's configuration and explains every mistake", () => {
    const example = JSON.parse(
      fs.readFileSync(path.join(__dirname, "../../../examples/shop/assetline.config.json"), "utf8"),
    ) as unknown;
    assert.doesNotThrow(() => readConfig(configIn(example)));
    const cases: [unknown, RegExp][] = [
      ["{ nope", /is not valid JSON/],
      [[], /must contain a JSON object/],
      [
        { defaultenv: "local" },
        /Unknown setting "defaultenv" in assetline\.config\.json; did you mean "defaultEnv"\?/,
      ],
      [{ concurrency: 0 }, /"concurrency" must be a whole number of at least 1/],
      [
        { environments: { local: { resource: {} } } },
        /environment "local" has an unknown setting "resource"/,
      ],
      [
        { environments: { local: { resources: { db: "x" } } } },
        /environments\.local\.resources\.db must be an object/,
      ],
      [
        { defaultEnv: "prod", environments: { local: {} } },
        /"defaultEnv" is "prod", which is not one of the environments \(local\)/,
      ],
    ];
    for (const [config, message] of cases) {
      assert.throws(
        () => readConfig(configIn(config)),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
        JSON.stringify(config),
      );
    }
  });
});
