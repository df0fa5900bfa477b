import { MerkleStateManager, type MerkleStateManagerOpts } from "@ethereumjs/statemanager";
import { RLP } from "@ethereumjs/rlp";
import { Account, concatBytes, createAddressFromString, unprefixedHexToBytes, utf8ToBytes } from "@ethereumjs/util";
import { putBatch, type TrieNodeStore } from "./batchTrie.js";
import { keccak256 } from "./crypto.js";

/** ethereumjs's prefix of contract code keys in the state database. */
const CODEHASH_PREFIX = utf8ToBytes("c");
const EMPTY = new Uint8Array(0);

/**
 * The producer's state manager: the same as ethereumjs's, but when the block's writes leave the
 * caches for the tries (once per block, at the block's outermost commit), each storage trie and
 * the account trie take all their writes in one batch (putBatch), so every node on the changed
 * paths is hashed once per block instead of once per write. Deletions (rare: a slot or an
 * account that held something) go the ethereumjs way, one by one, before the batch; a trie's
 * root does not depend on the order of its writes.
 */
export class BlockStateManager extends MerkleStateManager {
  private readonly nodes: TrieNodeStore;

  constructor(opts: MerkleStateManagerOpts & { nodes: TrieNodeStore }) {
    super(opts);
    this.nodes = opts.nodes;
  }

  override async flush(): Promise<void> {
    const caches = this._caches;
    if (caches === undefined) return super.flush();
    // Contract code first (it changes the accounts' code hashes), as ethereumjs does.
    for (const [addressHex, { code }] of caches.code?.flush() ?? []) {
      if (code === undefined) continue;
      const address = createAddressFromString(`0x${addressHex}`);
      const codeHash = keccak256(code);
      await this._getCodeDB().put(this._prefixCodeHashes ? concatBytes(CODEHASH_PREFIX, codeHash) : codeHash, code);
      if ((await this.getAccount(address)) === undefined) await this.putAccount(address, new Account());
      await this.modifyAccountFields(address, { codeHash });
    }
    await this.flushStorage(caches.storage?.flush() ?? []);
    await this.flushAccounts(caches.account?.flush() ?? []);
  }

  private async flushStorage(items: [string, string, Uint8Array | undefined][]): Promise<void> {
    const byAddress = new Map<string, { key: Uint8Array; value: Uint8Array }[]>();
    for (const [addressHex, keyHex, encoded] of items) {
      let writes = byAddress.get(addressHex);
      if (writes === undefined) byAddress.set(addressHex, (writes = []));
      writes.push({ key: unprefixedHexToBytes(keyHex), value: RLP.decode(encoded ?? EMPTY) as Uint8Array });
    }
    for (const [addressHex, writes] of byAddress) {
      const address = createAddressFromString(`0x${addressHex}`);
      const account = await this.getAccount(address);
      if (account === undefined) continue;
      // A zero written to a slot that was empty before the block (a new struct's zero fields)
      // changes nothing; a slot that held a value is deleted the ethereumjs way, key by key, and
      // the rest goes in one batch. The trie's root does not depend on the order of the writes.
      const trie = this._getStorageTrie(address, account);
      const live: typeof writes = [];
      for (const w of writes) {
        if (w.value.length > 0) live.push(w);
        else if ((await trie.get(w.key)) !== null) await trie.del(w.key);
      }
      const entries = live.map((w) => ({ key: keccak256(w.key), value: RLP.encode(w.value) }));
      const root = await putBatch(this.nodes, trie.root(), entries, this._trie.EMPTY_TRIE_ROOT);
      trie.root(root);
      account.storageRoot = root;
      await this.putAccount(address, account);
    }
  }

  private async flushAccounts(items: [string, { accountRLP: Uint8Array | undefined }][]): Promise<void> {
    if (items.length === 0) return;
    // EIP-161 deletes touched empty accounts (every block touches the coinbase with a zero fee):
    // one the trie does not hold changes nothing; a real deletion goes the ethereumjs way.
    const live: typeof items = [];
    for (const item of items) {
      if (item[1].accountRLP !== undefined) live.push(item);
      else {
        const key = unprefixedHexToBytes(item[0]);
        if ((await this._trie.get(key)) !== null) await this._trie.del(key);
      }
    }
    const entries = live.map(([addressHex, elem]) => ({ key: keccak256(unprefixedHexToBytes(addressHex)), value: elem.accountRLP! }));
    this._trie.root(await putBatch(this.nodes, this._trie.root(), entries, this._trie.EMPTY_TRIE_ROOT));
  }
}
