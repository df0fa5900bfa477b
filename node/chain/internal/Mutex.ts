/**
 * A FIFO async lock. The VM's state is one mutable object with checkpoints: block execution,
 * calls and admission checks must not interleave across `await`s.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
