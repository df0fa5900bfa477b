// Conformance with the Ethereum execution-apis: every method the node implements, called on a
// real node with blocks holding each transaction type, a contract creation and logs, answers a
// result that validates against the method's result schema from the vendored specification
// (fixtures/execution-apis, CC0). Methods of the specification the node does not offer are listed.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { Wallet, ZeroAddress } from "ethers";
import { startTestChain, type TestChain } from "./helpers.js";

const SPEC = join(import.meta.dirname, "fixtures", "execution-apis", "src");

interface SpecMethod {
  name: string;
  result?: { name: string; schema: unknown };
}

/** The specification's methods and one validator per result schema. */
function loadSpec(): { methods: SpecMethod[]; validator: (method: string) => (value: unknown) => { ok: boolean; errors: string } } {
  const schemas: Record<string, unknown> = {};
  for (const f of readdirSync(join(SPEC, "schemas"))) Object.assign(schemas, parse(readFileSync(join(SPEC, "schemas", f), "utf8")));
  const methods: SpecMethod[] = [];
  for (const f of readdirSync(join(SPEC, "eth"))) methods.push(...(parse(readFileSync(join(SPEC, "eth", f), "utf8")) as SpecMethod[]));
  const ajv = new Ajv({ strict: false, allErrors: true });
  const rebase = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll('"#/components/schemas/', '"openrpc#/components/schemas/'));
  ajv.addSchema({ $id: "openrpc", components: { schemas: rebase(schemas) } });
  const byName = new Map(methods.map((m) => [m.name, m]));
  return {
    methods,
    validator(method) {
      const validate = ajv.compile(rebase(byName.get(method)!.result!.schema));
      return (value) => {
        const ok = validate(value) as boolean;
        return { ok, errors: ok ? "" : ajv.errorsText(validate.errors, { separator: "\n" }) };
      };
    },
  };
}

const spec = loadSpec();
let t: TestChain;
const hex = (n: number | bigint) => `0x${n.toString(16)}`;
/** Hashes and blocks of one transaction of each type, a contract creation that logs, and more. */
const seen = { txs: [] as string[], blocks: [] as number[], blockHashes: [] as string[], contract: "", rawTx: "" };

beforeAll(async () => {
  t = await startTestChain({ accounts: 5, fund: true });
  const [w0, w1, w2, w3, w4] = t.wallets;
  const chainId = BigInt(t.chain.chainId);
  // Creation code that logs LOG1(topic 0x11..11, no data) and deploys `return slot 0` as runtime.
  const init = `0x7f${"11".repeat(32)}60006000a1600b6032600039600b6000f360005460005260206000f3`;
  const sends = [
    w0!.sendTransaction({ to: ZeroAddress, value: 1n }),
    w1!.sendTransaction({ to: ZeroAddress, type: 0, gasPrice: 0n }),
    w2!.sendTransaction({ to: ZeroAddress, type: 1, gasPrice: 0n, accessList: [{ address: ZeroAddress, storageKeys: [`0x${"00".repeat(32)}`] }] }),
    w3!.sendTransaction({ data: init }),
  ];
  for (const sent of await Promise.all(sends)) {
    const receipt = (await sent.wait())!;
    seen.txs.push(receipt.hash);
    seen.blocks.push(receipt.blockNumber);
    seen.blockHashes.push(receipt.blockHash);
    if (receipt.contractAddress !== null) seen.contract = receipt.contractAddress;
  }
  seen.rawTx = await w4!.signTransaction({ to: ZeroAddress, gasLimit: 21_000n, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, nonce: 0, chainId, type: 2 });
});
afterAll(async () => t.cleanup());

/** The parameters each implemented method is called with (one call per entry). */
function samples(): Record<string, () => Promise<unknown[][]>> {
  const addr = t.wallets[0]!.address;
  const call = { from: addr, to: seen.contract, data: "0x" };
  const blocks = async () => [...new Set(seen.blocks)].map(hex);
  const filterOf = async (params: unknown[][]) => ((await t.rpc(params[0]![0] as string, params[0]!.slice(1) as unknown[])).result as string);
  return {
    eth_getBlockByHash: async () => seen.blockHashes.flatMap((h) => [[h, true], [h, false]]),
    eth_getBlockByNumber: async () => [["latest", true], ["earliest", false], ...(await blocks()).map((n) => [n, true])],
    eth_getBlockTransactionCountByHash: async () => seen.blockHashes.map((h) => [h]),
    eth_getBlockTransactionCountByNumber: async () => [["latest"], ...(await blocks()).map((n) => [n])],
    eth_getBlockReceipts: async () => [...(await blocks()).map((n) => [n]), ...seen.blockHashes.map((h) => [h])],
    eth_chainId: async () => [[]],
    eth_syncing: async () => [[]],
    eth_coinbase: async () => [[]],
    eth_accounts: async () => [[]],
    eth_blockNumber: async () => [[]],
    net_version: async () => [[]],
    eth_call: async () => [[call, "latest"], [call, "latest", { [seen.contract]: { stateDiff: { [`0x${"00".repeat(32)}`]: `0x${"00".repeat(31)}07` } } }]],
    eth_estimateGas: async () => [[call, "latest"], [{ from: addr, to: ZeroAddress, value: "0x1" }]],
    eth_createAccessList: async () => [[call, "latest"]],
    eth_gasPrice: async () => [[]],
    eth_blobBaseFee: async () => [[]],
    eth_maxPriorityFeePerGas: async () => [[]],
    eth_feeHistory: async () => [["0x4", "latest", [25, 75]], ["0x2", "latest", []]],
    eth_newFilter: async () => [[{ fromBlock: "0x0", address: seen.contract }]],
    eth_newBlockFilter: async () => [[]],
    eth_newPendingTransactionFilter: async () => [[]],
    eth_uninstallFilter: async () => [[await filterOf([["eth_newBlockFilter"]])]],
    eth_getFilterChanges: async () => {
      // An empty answer matches both the hashes and the logs branch of the schema's oneOf (an
      // ambiguity of the specification), so each filter is polled after something it reports.
      const blockFilter = await filterOf([["eth_newBlockFilter"]]);
      const pendingFilter = await filterOf([["eth_newPendingTransactionFilter"]]);
      await (await t.wallets[0]!.sendTransaction({ to: ZeroAddress })).wait();
      return [[await filterOf([["eth_newFilter", { fromBlock: "0x0" }]])], [blockFilter], [pendingFilter]];
    },
    eth_getFilterLogs: async () => [[await filterOf([["eth_newFilter", { fromBlock: "0x0" }]])]],
    eth_getLogs: async () => [[{ fromBlock: "0x0" }], [{ blockHash: seen.blockHashes.at(-1) }]],
    eth_getBalance: async () => [[addr, "latest"], [addr, seen.blockHashes[0]]],
    eth_getStorageAt: async () => [[seen.contract, "0x0", "latest"]],
    eth_getTransactionCount: async () => [[addr, "latest"], [addr, "pending"]],
    eth_getCode: async () => [[seen.contract, "latest"], [addr, "latest"]],
    eth_sendRawTransaction: async () => [[seen.rawTx]],
    eth_getTransactionByHash: async () => seen.txs.map((h) => [h]),
    eth_getTransactionByBlockHashAndIndex: async () => seen.blockHashes.map((h) => [h, "0x0"]),
    eth_getTransactionByBlockNumberAndIndex: async () => (await blocks()).map((n) => [n, "0x0"]),
    eth_getTransactionReceipt: async () => seen.txs.map((h) => [h]),
  };
}

describe("execution-apis conformance", () => {
  it("every implemented method's result validates against its execution-apis schema", async () => {
    const params = samples();
    const missing: string[] = [];
    const failures: string[] = [];
    let checked = 0;
    for (const method of spec.methods) {
      const probe = await t.rpc(method.name, []);
      if (probe.error?.code === -32601) {
        missing.push(method.name);
        continue;
      }
      const sample = params[method.name];
      expect(sample, `${method.name} is implemented but the test has no parameters for it`).toBeDefined();
      const validate = spec.validator(method.name);
      for (const p of await sample!()) {
        const reply = await t.rpc(method.name, p);
        if (reply.error !== undefined) {
          failures.push(`${method.name}(${JSON.stringify(p)}): error ${JSON.stringify(reply.error)}`);
          continue;
        }
        const { ok, errors } = validate(reply.result);
        checked++;
        if (!ok) failures.push(`${method.name}(${JSON.stringify(p)}) -> ${JSON.stringify(reply.result).slice(0, 300)}\n${errors}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(60);
    // What the specification has and the node does not offer: signing with node-held keys (no keys
    // are held), simulation, proofs, block access lists, the base-fee and config queries, bulk
    // storage reads and capabilities. Any change here is deliberate.
    expect(missing.sort()).toEqual(
      ["eth_baseFee", "eth_config", "eth_getBlockAccessList", "eth_getProof", "eth_getStorageValues", "eth_sendTransaction", "eth_simulateV1"].sort(),
    );
  });

  it("the validators are not vacuous: a mined transaction without blockTimestamp fails its schema", async () => {
    const tx = (await t.rpc("eth_getTransactionByHash", [seen.txs[0]])).result as Record<string, unknown>;
    const validate = spec.validator("eth_getTransactionByHash");
    expect(validate(tx).ok).toBe(true);
    delete tx.blockTimestamp;
    expect(validate(tx).ok).toBe(false);
    const receipt = (await t.rpc("eth_getTransactionReceipt", [seen.txs[3]])).result as { logs: Record<string, unknown>[] };
    expect(receipt.logs).toHaveLength(1);
    expect(spec.validator("eth_getTransactionReceipt")({ ...receipt, logs: [{ ...receipt.logs[0], topics: "x" }] }).ok).toBe(false);
  });
});
