/**
 * Hands out consecutive nonces per account so many transactions can be in flight at once. Instant-
 * mining chains answer `eth_getTransactionCount` before earlier sends are counted, so asking the
 * node per transaction (or caching its answer) reuses nonces; this keeps the count locally and
 * asks the node only for the first one and after a failed send.
 */
export class NonceManager {
  #next = new Map<string, Promise<number>>();

  /** The next nonce for `address`; `fetch` asks the node for its pending count. */
  consume(address: string, fetch: () => Promise<number>): Promise<number> {
    const key = address.toLowerCase();
    const previous = this.#next.get(key);
    const current = previous ? previous.then((n) => n + 1, fetch) : fetch();
    this.#next.set(key, current);
    return current;
  }

  /** Forget the local count (after a send the node refused), so the next nonce comes from the node. */
  reset(address: string): void {
    this.#next.delete(address.toLowerCase());
  }
}
