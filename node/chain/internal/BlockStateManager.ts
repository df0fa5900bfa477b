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
 * paths is hashed once per block instead of once per write. A trie whose batch deletes
 * something is written the ethereumjs way, one write after the other; the roots are the same
 * either way.
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
      if (writes.some((w) => w.value.length === 0)) {
        for (const w of writes) await this._writeContractStorage(address, account, w.key, w.value);
        continue;
      }
      const entries = writes.map((w) => ({ key: keccak256(w.key), value: RLP.encode(w.value) }));
      const root = await putBatch(this.nodes, account.storageRoot, entries, this._trie.EMPTY_TRIE_ROOT);
      // A storage trie ethereumjs already opened for the account moves to the new root too.
      this._storageTries[bytesToUnprefixedHexKey(keccak256(address.bytes))]?.root(root);
      account.storageRoot = root;
      await this.putAccount(address, account);
    }
  }

  private async flushAccounts(items: [string, { accountRLP: Uint8Array | undefined }][]): Promise<void> {
    if (items.length === 0) return;
    if (items.some(([, elem]) => elem.accountRLP === undefined)) {
      for (const [addressHex, elem] of items) {
        const key = unprefixedHexToBytes(addressHex);
        if (elem.accountRLP === undefined) await this._trie.del(key);
        else await this._trie.put(key, elem.accountRLP);
      }
      return;
    }
    const entries = items.map(([addressHex, elem]) => ({ key: keccak256(unprefixedHexToBytes(addressHex)), value: elem.accountRLP! }));
    this._trie.root(await putBatch(this.nodes, this._trie.root(), entries, this._trie.EMPTY_TRIE_ROOT));
  }
}

function bytesToUnprefixedHexKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
