/**
 * Run listeners: whoever wants a run's events (the OpenLineage emitter, an editor, a test) adds
 * one to `materialize({ listeners })` instead of changing the runner. A listener that fails is
 * warned about and dropped; it never fails the run, whose outcome is already recorded.
 */
import type { RunEvent } from "@assetline/core";
import { unlessStalled } from "./deadline";

export interface RunListener {
  /** Names the listener in warnings. */
  name?: string;
  /** Receives every event of the run, in order, as it happens. */
  onEvent(event: RunEvent): void;
  /** Awaited before `materialize` returns: send what is buffered. */
  flush?(): Promise<void>;
}

const warn = (message: string): void => process.emitWarning(message, "AssetlineRunListenerWarning");

const nameOf = (listener: RunListener, index: number): string =>
  listener.name !== undefined ? `"${listener.name}"` : `#${index + 1}`;

export class RunListeners {
  private readonly active: { listener: RunListener; index: number }[];

  constructor(listeners: readonly RunListener[] = []) {
    this.active = listeners.map((listener, index) => ({ listener, index }));
  }

  deliver(event: RunEvent): void {
    for (const entry of [...this.active]) {
      try {
        entry.listener.onEvent(event);
      } catch (error) {
        this.active.splice(this.active.indexOf(entry), 1);
        warn(
          `Run listener ${nameOf(entry.listener, entry.index)} threw on the ${event.type} event of run ${event.runId} and gets no more of its events: ${(error as Error)?.message ?? String(error)}`,
        );
      }
    }
  }

  /** Flushes every listener still listening; failures and flushes that never settle are warned about. */
  async flush(): Promise<void> {
    await Promise.all(
      this.active.map(async ({ listener, index }) => {
        if (!listener.flush) return;
        try {
          await unlessStalled(
            Promise.resolve().then(() => listener.flush!()),
            () => new Error("its flush returned a promise that never settles"),
          );
        } catch (error) {
          warn(
            `Run listener ${nameOf(listener, index)} could not flush: ${(error as Error)?.message ?? String(error)}`,
          );
        }
      }),
    );
  }
}
