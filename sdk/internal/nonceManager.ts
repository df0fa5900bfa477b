/**
 * Sends one account's transactions in nonce order, with the nonce counted locally, so many
 * transactions can be in flight at once. Instant-mining chains answer `eth_getTransactionCount`
 * before earlier sends are counted (asking per transaction, or caching the answer, reuses nonces),
 * and some refuse a nonce that arrives ahead of its predecessor. So the node is asked only for the
 * first nonce and after a failed send, and the sign-and-send step (not the wait for the receipt) is
 * serialized per account.
 */
export class NonceManager {
  #queue = new Map<string, Promise<unknown>>();
  #next = new Map<string, number>();

  /**
   * Runs `send` with the account's next nonce, after every earlier send of that account finished.
   * When the node says the nonce is wrong (another process or client used the key), asks the node
   * for the nonce again and retries once.
   */
  send<T>(
    address: string,
    fetchNonce: () => Promise<number>,
    send: (nonce: number) => Promise<T>,
    isNonceError: (error: unknown) => boolean = () => false,
  ): Promise<T> {
    const key = address.toLowerCase();
    const previous = this.#queue.get(key) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        let nonce = this.#next.get(key) ?? (await fetchNonce());
        try {
          let result: T;
          try {
            result = await send(nonce);
          } catch (error) {
            if (!isNonceError(error)) throw error;
            nonce = await fetchNonce();
            result = await send(nonce);
          }
          this.#next.set(key, nonce + 1);
          return result;
        } catch (error) {
          // The node refused it, so the nonce may or may not be used: ask the node next time.
          this.#next.delete(key);
          throw error;
        }
      });
    this.#queue.set(key, run);
    return run;
  }
}
