import { MerkleStateManager } from "@ethereumjs/statemanager";
import type { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { bytesToUnprefixedHex, type Account, type Address } from "@ethereumjs/util";

/**
 * ethereumjs's MerkleStateManager with storage trie writes that report their failures.
 *
 * ethereumjs 10.1 runs a storage write (putStorage, clearStorage) inside
 * `new Promise(async (resolve) => { modifyTrie(trie, done) })` and never awaits `modifyTrie`: when
 * the trie throws (a node missing from the database surfaces as "Stack underflow" from
 * `_updateNode`), the rejection reaches nobody, the process's unhandled-rejection handler takes
 * the node down, and the write's caller waits forever. Here the failure rejects the caller's
 * promise, so an eth_call fails with an error and block production fails closed.
 */
export class ChainStateManager extends MerkleStateManager {
  protected override async _modifyContractStorage(
    address: Address,
    account: Account,
    modifyTrie: (storageTrie: MerklePatriciaTrie, done: Function) => void,
  ): Promise<void> {
    const storageTrie = this._getStorageTrie(address, account);
    await new Promise<void>((resolve, reject) => {
      try {
        // modifyTrie is declared void but ethereumjs passes an async function.
        Promise.resolve(modifyTrie(storageTrie, () => resolve()) as unknown).catch(reject);
      } catch (err) {
        reject(err);
      }
    });
    // As ethereumjs does: keep the trie, and the account's root follows it.
    this._storageTries[bytesToUnprefixedHex(address.bytes)] = storageTrie;
    account.storageRoot = storageTrie.root();
    await this.putAccount(address, account);
  }
}
