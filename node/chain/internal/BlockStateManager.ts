import type { MerkleStateManagerOpts } from "@ethereumjs/statemanager";
import { RLP } from "@ethereumjs/rlp";
import { Account, concatBytes, createAccountFromRLP, createAddressFromString, hexToBytes, unpadBytes, unprefixedHexToBytes, utf8ToBytes, type Address } from "@ethereumjs/util";
import { putBatch, type TrieNodeStore } from "./batchTrie.js";
import { ChainStateManager } from "./ChainStateManager.js";
import { keccak256 } from "./crypto.js";
import { TrieReader } from "./TrieReader.js";

/** ethereumjs's prefix of contract code keys in the state database. */
const CODEHASH_PREFIX = utf8ToBytes("c");
const EMPTY = new Uint8Array(0);
/** What ethereumjs's storage cache holds for a slot the trie does not have (RLP of the empty string). */
const ABSENT = hexToBytes("0x80");

/**
 * The producer's state manager: the same as ethereumjs's, but when the block's writes leave the
 * caches for the tries (once per block, at the block's outermost commit), each storage trie and
 * the account trie take all their writes in one batch (putBatch), so every node on the changed
 * paths is hashed once per block instead of once per write. Deletions (rare: a slot or an
 * account that held something) go the ethereumjs way, one by one, before the batch; a trie's
 * root does not depend on the order of its writes.
 *
 * Reads that miss the caches walk the tries with TrieReader (decoded nodes kept) instead of
 * ethereumjs's `get`: the same answer, without decoding the upper nodes of a trie again for each
 * slot. The tries are written only at a block's end (above), straight into `nodes`, which is
 * where the reader looks, so it never sees a stale node.
 */
export class BlockStateManager extends ChainStateManager {
  /**
   * Storage slots the cache may keep from one block to the next. The storage cache is an
   * unbounded map (a block's writes live only there until its flush, see putStorage), and the
   * registries gain slots with every transaction: a 100-row registerBatch reads and writes 400 new
   * ones. It used to be cleared every 5,000 transactions, which let it reach 2 million slots on a
   * district's onboarding (about 400 bytes each in a heap snapshot: 16 MB at 10,000 citizens).
   * After a block's flush every slot is in the trie, so dropping them loses nothing, and the
   * TrieReader keeps the next reads of the busy slots cheap.
   */
  static readonly MAX_CACHED_SLOTS = 50_000;
  private readonly nodes: TrieNodeStore;
  private readonly reader: TrieReader;

  private readonly maxCachedSlots: number;

  constructor(opts: MerkleStateManagerOpts & { nodes: TrieNodeStore; maxCachedSlots?: number }) {
    super(opts);
    this.nodes = opts.nodes;
    this.reader = new TrieReader(opts.nodes);
    this.maxCachedSlots = opts.maxCachedSlots ?? BlockStateManager.MAX_CACHED_SLOTS;
  }

  override async getAccount(address: Address): Promise<Account | undefined> {
    const caches = this._caches;
    if (caches?.account === undefined) return super.getAccount(address);
    const elem = caches.account.get(address);
    if (elem !== undefined) return elem.accountRLP !== undefined ? this.decodeAccount(elem.accountRLP) : undefined;
    const rlp = await this.reader.get(this._trie.root(), keccak256(address.bytes), this._trie.EMPTY_TRIE_ROOT);
    const account = rlp !== undefined ? createAccountFromRLP(rlp) : undefined;
    caches.account.put(address, account);
    return account;
  }

  /**
   * A storage write goes to the cache only, and reaches the trie with the block (flush). ethereumjs
   * 10.1 means to do the same (`cache.put(…) ?? writeToTrie(…)`), but the cache's `put` returns
   * nothing, so every SSTORE also went into the contract's storage trie at once, re-encoding and
   * re-hashing its whole path: on consent grants about a tenth of the node's CPU, for writes the
   * block's batch makes again. The storage cache is an unbounded map (see ChainEngine.open), so
   * a write held only there cannot be evicted before the block's flush.
   */
  override async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    const storage = this._caches?.storage;
    if (storage === undefined || key.length !== 32 || value.length > 32) return super.putStorage(address, key, value);
    if ((await this.getAccount(address)) === undefined) return super.putStorage(address, key, value);
    storage.put(address, key, RLP.encode(unpadBytes(value)));
  }

  /**
   * The cache holds accounts RLP-encoded and ethereumjs decodes one on every read (a transaction
   * reads its sender, the contract and the coinbase many times): about 3 % of the node's CPU on
   * consent grants. The decoded account is kept beside its encoding (a new write is a new
   * encoding) and each caller gets its own copy, since callers change the account they get.
   */
  private readonly decoded = new WeakMap<Uint8Array, Account>();
  private decodeAccount(rlp: Uint8Array): Account {
    let account = this.decoded.get(rlp);
    if (account === undefined) this.decoded.set(rlp, (account = createAccountFromRLP(rlp)));
    return new Account(account.nonce, account.balance, account.storageRoot, account.codeHash);
  }

  override async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    const caches = this._caches;
    if (caches?.storage === undefined || key.length !== 32) return super.getStorage(address, key);
    const cached = caches.storage.get(address, key);
    if (cached !== undefined) return RLP.decode(cached) as Uint8Array;
    const account = await this.getAccount(address);
    if (account === undefined) return new Uint8Array();
    // The account's storage root is its storage trie's root: the tries change only in flush(),
    // which sets both.
    const value = await this.reader.get(account.storageRoot, keccak256(key), this._trie.EMPTY_TRIE_ROOT);
    caches.storage.put(address, key, value ?? ABSENT);
    return value === undefined ? new Uint8Array() : (RLP.decode(value) as Uint8Array);
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
    if (this.cachedSlots() > this.maxCachedSlots) caches.storage?.clear();
  }

  /** Storage slots in the cache now, over all contracts (a handful of maps). */
  cachedSlots(): number {
    let slots = 0;
    const byAddress = this._caches?.storage?._orderedMapCache;
    if (byAddress !== undefined) for (const [, map] of byAddress) slots += map.size;
    return slots;
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
