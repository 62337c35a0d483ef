/** What an Assetline call evaluates to: the values the evaluator carries for its host. */
import { HostValue, Unknown, type Value } from "../evaluator";
import type { AssetRecord, CheckRecord } from "../model";

/** An `asset(...)` or `externalAsset(...)` call's value: its record (key, spec, where). */
export class AssetValue extends HostValue {
  constructor(readonly record: AssetRecord) {
    super();
  }

  describe(): string {
    return `the asset "${this.record.key ?? "?"}"`;
  }

  signature(): string {
    return `asset(${this.record.key ?? "?"})`;
  }

  /** In data (a key list built from assets), an asset stands for its key. */
  override toJson(): unknown {
    return this.record.key;
  }

  override member(name: string): Value {
    if (name === "key") return this.record.key ?? new Unknown("the asset's key is known only at run time");
    return new Unknown(`the asset's \`${name}\` is known only at run time`);
  }
}

/** A `check(...)` call's value. */
export class CheckValue extends HostValue {
  constructor(readonly record: CheckRecord) {
    super();
  }

  describe(): string {
    return "a check";
  }

  signature(): string {
    return `check(${this.record.name ?? "?"})`;
  }
}
