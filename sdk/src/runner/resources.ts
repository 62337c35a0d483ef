/** A run's resources: created on first use, once per run, and torn down at its end. */
import type { AssetlineConfig } from "../config";
import type { Logger, Resource } from "../types";
import { NEVER_SETTLES, unlessStalled } from "./deadline";

/** A resource's teardown (or the factory it waits for) never settles. */
class StalledTeardown extends Error {}

export class ResourcePool {
  private readonly instances = new Map<Resource<unknown>, Promise<unknown>>();

  constructor(
    private readonly settings: {
      env: string;
      root: string;
      config: AssetlineConfig;
      /** Values to use instead of creating resources, by resource name. */
      overrides?: Record<string, unknown>;
    },
  ) {}

  private overridden(r: Resource<unknown>): boolean {
    const overrides = this.settings.overrides;
    return overrides !== undefined && r.name in overrides;
  }

  /** The resource's value for this run (the same promise for every asset that uses it). */
  get(r: Resource<unknown>, log: Logger): Promise<unknown> {
    let instance = this.instances.get(r);
    if (instance) return instance;
    const { env, root, config, overrides } = this.settings;
    if (this.overridden(r)) {
      instance = Promise.resolve(overrides![r.name]);
    } else {
      const factory = typeof r.factory === "function" ? r.factory : r.factory[env];
      if (!factory) {
        const known = Object.keys(r.factory);
        instance = Promise.reject(
          new Error(
            `resource "${r.name}" has no factory for environment "${env}" (it has ${known.join(", ")})`,
          ),
        );
      } else {
        const resourceConfig = config.environments?.[env]?.resources?.[r.name] ?? {};
        instance = Promise.resolve().then(() => factory({ env, config: resourceConfig, root, log }));
      }
      instance.catch(() => undefined);
    }
    this.instances.set(r, instance);
    return instance;
  }

  /** Tears down every resource this run started; `warn` hears of the ones that never finish. */
  async teardown(warn: (message: string) => void): Promise<void> {
    for (const [r, instance] of this.instances) {
      const teardown = r.teardown;
      if (!teardown || this.overridden(r)) continue;
      let started = false;
      try {
        await unlessStalled(
          instance.then((value) => {
            started = true;
            return teardown(value);
          }),
          () => new StalledTeardown(started ? "its teardown" : "its factory"),
        );
      } catch (error) {
        // A resource that failed to start has nothing to tear down.
        if (error instanceof StalledTeardown) {
          warn(`Resource "${r.name}" was not torn down: ${error.message} ${NEVER_SETTLES}.`);
        }
      }
    }
  }
}
