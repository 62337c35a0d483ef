/** Where the suite's own remarks go: the same place as the reporter's lines (see index.ts). */
let sink: (...args: unknown[]) => void = (...args) => console.log(...args);

export function setLogSink(next: (...args: unknown[]) => void): void {
  sink = next;
}

/** Prints a measurement or remark under the current test. */
export function note(...args: unknown[]): void {
  sink(...args);
}
