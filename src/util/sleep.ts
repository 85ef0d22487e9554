const cell = new Int32Array(new SharedArrayBuffer(4));

// A blocking sleep for short polling loops in otherwise synchronous commands.
export function sleepSync(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}
