// Looks for personal data on a chain: in every event (eth_getLogs over all blocks, no address
// filter), in every transaction's input, and in every storage slot of every account, read from the
// state trie of a stopped embedded chain's data directory (ethereumjs' trie over the node's own
// LevelDB, from the head block's state root): slot values, and slot keys that are mapping entries
// keyed by a personal value.
//
// What counts as found: a value's UTF-8 bytes (as given, lower and upper case; a birth date also
// without dashes; a name also without spaces), the UTF-8 of their hex text, their keccak256 and
// sha256 (unsalted hashes), numbers as 32-byte words (an id number, a date as YYYYMMDD and as unix
// seconds), and mapping slots keyed by any of those words (or by the UTF-8 string) at slot 0..63.
// A string longer than 31 bytes split across storage slots is not reassembled (none here is).
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { ValueEncoding } from "@ethereumjs/util";
import { concat, getBytes, hexlify, keccak256, sha256, toBeHex, toUtf8Bytes, zeroPadValue } from "ethers";
import { ChainStore, StateDB } from "../../node/chain/internal/store.js";

export type Person = Record<string, string>;
export type Needle = { label: string; bytes: Uint8Array };
export type Hit = { label: string; where: string };

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const quantity = (n: number) => "0x" + n.toString(16);

function stringForms(field: string, value: string): string[] {
  const forms = new Set([value, value.toLowerCase(), value.toUpperCase()]);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) forms.add(value.replaceAll("-", ""));
  if (value.includes(" ")) for (const f of [...forms]) forms.add(f.replaceAll(" ", ""));
  return [...forms];
}

function wordOf(n: bigint): Uint8Array {
  return getBytes(toBeHex(BigInt.asUintN(256, n), 32));
}

/** Every encoding of every value that the scan looks for, and the 32-byte words among them. */
export function needlesFor(people: Person[]): { needles: Needle[]; words: Needle[]; strings: Needle[] } {
  const needles: Needle[] = [];
  const words: Needle[] = [];
  const strings: Needle[] = [];
  for (const person of people) {
    for (const [field, value] of Object.entries(person)) {
      for (const form of stringForms(field, value)) {
        const utf8 = toUtf8Bytes(form);
        const label = `${field} ${JSON.stringify(form)}`;
        needles.push({ label: `${label} (utf-8)`, bytes: utf8 });
        needles.push({ label: `${label} (hex text)`, bytes: toUtf8Bytes(hex(utf8)) });
        strings.push({ label, bytes: utf8 });
        for (const [how, word] of [["keccak256", keccak256(utf8)], ["sha256", sha256(utf8)]] as const) {
          const w = { label: `${label} (${how})`, bytes: getBytes(word) };
          needles.push(w);
          words.push(w);
        }
        if (utf8.length <= 32) words.push({ label: `${label} (bytes32)`, bytes: getBytes(hexlify(utf8).padEnd(66, "0")) });
      }
      if (/^\d{1,77}$/.test(value)) {
        const w = { label: `${field} ${value} (uint256)`, bytes: wordOf(BigInt(value)) };
        needles.push(w);
        words.push(w);
      }
      const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      if (date) {
        const seconds = BigInt(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])) / 1000);
        for (const [how, n] of [["YYYYMMDD", BigInt(date[1] + date[2] + date[3])], ["unix seconds", seconds]] as const) {
          const w = { label: `${field} ${value} (${how} as a 32-byte word)`, bytes: wordOf(n) };
          needles.push(w);
          words.push(w);
        }
      }
    }
  }
  return { needles, words, strings };
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle)) >= 0;
}

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** What the chain at `rpcUrl` holds in events and transaction inputs. */
export async function chainRecords(rpcUrl: string): Promise<{ head: number; stateRoot: string; blobs: Array<{ where: string; bytes: Uint8Array }> }> {
  const latest = (await rpc(rpcUrl, "eth_getBlockByNumber", ["latest", false])) as { number: string; stateRoot: string };
  const head = Number(latest.number);
  const blobs: Array<{ where: string; bytes: Uint8Array }> = [];
  const STEP = 5_000; // the embedded chain scans at most 10,000 blocks per eth_getLogs without an address
  for (let from = 0; from <= head; from += STEP) {
    const logs = (await rpc(rpcUrl, "eth_getLogs", [{ fromBlock: quantity(from), toBlock: quantity(Math.min(head, from + STEP - 1)) }])) as Array<{
      address: string;
      topics: string[];
      data: string;
      blockNumber: string;
      logIndex: string;
    }>;
    for (const log of logs) {
      blobs.push({ where: `event of ${log.address} in block ${Number(log.blockNumber)}#${Number(log.logIndex)}`, bytes: getBytes(concat([...log.topics, log.data])) });
    }
  }
  for (let n = 0; n <= head; n++) {
    const block = (await rpc(rpcUrl, "eth_getBlockByNumber", [quantity(n), true])) as { transactions: Array<{ hash: string; input: string }> };
    for (const tx of block.transactions) blobs.push({ where: `input of transaction ${tx.hash}`, bytes: getBytes(tx.input) });
  }
  return { head, stateRoot: latest.stateRoot, blobs };
}

type Slot = { account: string; key: Uint8Array; value: Uint8Array };

function packNibbles(nibbles: number[]): Uint8Array {
  const out = new Uint8Array(nibbles.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (nibbles[2 * i] << 4) | nibbles[2 * i + 1];
  return out;
}

/** Every storage slot of every account in the state trie of a stopped embedded chain (keys are the trie's hashed slot keys). */
export async function storageSlots(chaindata: string, stateRoot: string): Promise<Slot[]> {
  const store = await ChainStore.open(chaindata);
  try {
    const db = new StateDB(store);
    const open = (root: Uint8Array) => new MerklePatriciaTrie({ db, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, root });
    const accounts: Array<{ account: string; storageRoot: Uint8Array }> = [];
    await open(getBytes(stateRoot)).walkAllValueNodes(async (node, key) => {
      const fields = RLP.decode(node.value() as Uint8Array) as Uint8Array[];
      accounts.push({ account: "keccak(address) 0x" + hex(packNibbles([...key, ...("key" in node ? (node as { key(): number[] }).key() : [])])), storageRoot: fields[2] });
    });
    const EMPTY = keccak256(RLP.encode(new Uint8Array()));
    const slots: Slot[] = [];
    for (const { account, storageRoot } of accounts) {
      if (hexlify(storageRoot) === EMPTY) continue;
      await open(storageRoot).walkAllValueNodes(async (node, key) => {
        const slotKey = packNibbles([...key, ...("key" in node ? (node as { key(): number[] }).key() : [])]);
        const value = RLP.decode(node.value() as Uint8Array) as Uint8Array;
        slots.push({ account, key: slotKey, value: getBytes(zeroPadValue(value, 32)) });
      });
    }
    return slots;
  } finally {
    await store.level.close();
  }
}

/** Every needle found in the blobs and slots, with where. */
export function scan(people: Person[], blobs: Array<{ where: string; bytes: Uint8Array }>, slots: Slot[]): Hit[] {
  const { needles, words, strings } = needlesFor(people);
  const hits: Hit[] = [];
  for (const blob of blobs) for (const n of needles) if (contains(blob.bytes, n.bytes)) hits.push({ label: n.label, where: blob.where });
  for (const slot of slots) for (const n of needles) if (contains(slot.value, n.bytes)) hits.push({ label: n.label, where: `storage of ${slot.account} (slot key hash ${hexlify(slot.key)})` });
  // Mapping entries keyed by a personal value: the trie key is keccak256 of keccak256(key . slot).
  const slotKeys = new Map(slots.map((s) => [hexlify(s.key), s]));
  for (let p = 0n; p < 64n; p++) {
    const position = wordOf(p);
    for (const n of [...words, ...strings]) {
      const trieKey = keccak256(keccak256(concat([n.bytes, position])));
      const slot = slotKeys.get(trieKey);
      if (slot) hits.push({ label: `${n.label} as a mapping key`, where: `storage of ${slot.account} (mapping at slot ${p})` });
    }
  }
  return hits;
}
