// The three ways actions touch a contract: read (eth_call), write (sign, send, wait) and events.
import { Interface, Transaction, type EventFragment, type FunctionFragment } from "ethers";
import { accessLogAbi } from "../abi/accessLogAbi.js";
import { accountRulesAbi } from "../abi/accountRulesAbi.js";
import { consentRegistryAbi } from "../abi/consentRegistryAbi.js";
import { credentialRegistryAbi } from "../abi/credentialRegistryAbi.js";
import { identityRegistryAbi } from "../abi/identityRegistryAbi.js";
import { imiAccessManagerAbi } from "../abi/imiAccessManagerAbi.js";
import { enterpriseRegistryAbi } from "../abi/enterpriseRegistryAbi.js";
import { creditRegistryAbi } from "../abi/creditRegistryAbi.js";
import { communityRegistryAbi } from "../abi/communityRegistryAbi.js";
import { agencyRegistryAbi } from "../abi/agencyRegistryAbi.js";
import { passkeyAccountFactoryAbi } from "../abi/passkeyAccountFactoryAbi.js";
import { requireAccount, type ImiBaseClient } from "../clients/ImiBaseClient.js";
import type { ImiAccount } from "../clients/accounts.js";
import type { ImiContractName } from "../clients/deployment.js";
import { RpcResponseError } from "../clients/transport.js";
import { toImiError } from "../errors/decodeError.js";
import { ImiError } from "../errors/ImiError.js";
import { InvalidDeploymentError, InvalidInputError, InvalidNumberError, NotFoundError, TimeoutError, UnknownRevertError } from "../errors/errors.js";
import type { Address, Hex } from "../types.js";
import { resultToObject } from "./abiValues.js";

const interfaces: Record<ImiContractName, Interface> = {
  identityRegistry: new Interface(identityRegistryAbi as never),
  credentialRegistry: new Interface(credentialRegistryAbi as never),
  consentRegistry: new Interface(consentRegistryAbi as never),
  accessLog: new Interface(accessLogAbi as never),
  accountRules: new Interface(accountRulesAbi as never),
  accessManager: new Interface(imiAccessManagerAbi as never),
  enterpriseRegistry: new Interface(enterpriseRegistryAbi as never),
  creditRegistry: new Interface(creditRegistryAbi as never),
  communityRegistry: new Interface(communityRegistryAbi as never),
  agencyRegistry: new Interface(agencyRegistryAbi as never),
  passkeyAccountFactory: new Interface(passkeyAccountFactoryAbi as never),
};

export function contractAddress(client: ImiBaseClient, contract: ImiContractName): Address {
  const address = client.deployment.contracts[contract];
  if (!address) throw new InvalidDeploymentError(`the deployment has no ${contract}`);
  return address;
}

/** Each contract's `as const` ABI, so function and event names are checked against it at compile time. */
type Abis = {
  identityRegistry: typeof identityRegistryAbi;
  credentialRegistry: typeof credentialRegistryAbi;
  consentRegistry: typeof consentRegistryAbi;
  accessLog: typeof accessLogAbi;
  accountRules: typeof accountRulesAbi;
  accessManager: typeof imiAccessManagerAbi;
  enterpriseRegistry: typeof enterpriseRegistryAbi;
  creditRegistry: typeof creditRegistryAbi;
  communityRegistry: typeof communityRegistryAbi;
  agencyRegistry: typeof agencyRegistryAbi;
  passkeyAccountFactory: typeof passkeyAccountFactoryAbi;
};
type ItemName<C extends ImiContractName, K extends "function" | "event"> = Extract<Abis[C][number], { type: K; name: string }>["name"];

/** A call whose function name must exist in that contract's ABI. */
export type ContractCall = {
  [C in ImiContractName]: { contract: C; functionName: ItemName<C, "function">; args?: readonly unknown[] };
}[ImiContractName];

// What a read returns, derived from the ABI: uintN/intN → bigint (enums too), address and bytesN
// → 0x-hex, tuples → objects keyed by component name, arrays → readonly arrays; several outputs
// → an object keyed by output name.
type AbiParam = { readonly type: string; readonly name?: string; readonly components?: readonly AbiParam[] };
type AbiValue<P extends AbiParam> = P["type"] extends `${infer Inner}[]`
  ? readonly AbiValue<{ type: Inner; name: P["name"]; components: P["components"] }>[]
  : P["type"] extends "tuple"
    ? AbiObject<NonNullable<P["components"]>>
    : P["type"] extends "address" | `bytes${string}`
      ? `0x${string}`
      : P["type"] extends `uint${string}` | `int${string}`
        ? bigint
        : P["type"] extends "bool"
          ? boolean
          : P["type"] extends "string"
            ? string
            : unknown;
type AbiObject<Ps extends readonly AbiParam[]> = { [P in Ps[number] as P["name"] & string]: AbiValue<P> };
type FunctionOutputs<C extends ImiContractName, N> = Extract<Abis[C][number], { type: "function"; name: N }>["outputs"];
export type ReadResult<C extends ImiContractName, N> =
  FunctionOutputs<C, N> extends readonly [infer Only extends AbiParam] ? AbiValue<Only> : AbiObject<FunctionOutputs<C, N>>;

export async function readContract<C extends ImiContractName, N extends ItemName<C, "function">>(
  client: ImiBaseClient,
  call: { contract: C; functionName: N; args?: readonly unknown[] },
  blockTag = "latest",
): Promise<ReadResult<C, N>> {
  const iface = interfaces[call.contract];
  const fragment = iface.getFunction(call.functionName) as FunctionFragment;
  const data = iface.encodeFunctionData(fragment, call.args ?? []);
  await client.verifyChain();
  let raw: Hex;
  try {
    raw = await client.transport.request<Hex>("eth_call", [{ to: contractAddress(client, call.contract), data }, blockTag]);
  } catch (error) {
    throw toImiError(error, call);
  }
  const decoded = resultToObject(fragment.outputs, iface.decodeFunctionResult(fragment, raw));
  return (fragment.outputs.length === 1 ? Object.values(decoded)[0] : decoded) as ReadResult<C, N>;
}

export type ContractEvent = {
  eventName: string;
  args: Record<string, unknown>;
  address: Address;
  blockNumber: number;
  transactionHash: Hex;
  logIndex: number;
};

type RpcLog = { address: string; topics: string[]; data: string; blockNumber: string; transactionHash: string; logIndex: string };
type RpcReceipt = { status: string; transactionHash: Hex; blockNumber: string; gasUsed: string; logs: RpcLog[] };

function parseLogs(client: ImiBaseClient, logs: RpcLog[]): ContractEvent[] {
  const byAddress = new Map(
    Object.entries(client.deployment.contracts as Record<string, string | undefined>)
      .filter((entry): entry is [string, string] => typeof entry[1] === "string")
      .map(([name, address]) => [address.toLowerCase(), interfaces[name as ImiContractName]]),
  );
  const events: ContractEvent[] = [];
  for (const log of logs) {
    // Only logs of this deployment's contracts, each read with its own ABI (event names repeat).
    const iface = byAddress.get(log.address.toLowerCase());
    if (iface) {
      const parsed = iface.parseLog({ topics: log.topics, data: log.data });
      if (!parsed) continue;
      events.push({
        eventName: parsed.name,
        args: resultToObject(parsed.fragment.inputs, parsed.args),
        address: log.address as Address,
        blockNumber: Number(BigInt(log.blockNumber)),
        transactionHash: log.transactionHash as Hex,
        logIndex: Number(BigInt(log.logIndex)),
      });
    }
  }
  return events;
}

export type WriteResult = {
  hash: Hex;
  blockNumber: number;
  gasUsed: bigint;
  events: ContractEvent[];
};

/** What every write action accepts besides its own arguments. */
export type WriteOptions = {
  /**
   * The gas limit to send with instead of an estimate (as viem's `gas`). The call is still run once
   * first (`eth_call` at this limit), so a revert surfaces as a named error before a nonce is used;
   * only when that run fails is the limit estimated as without it, and the estimate decides: its
   * named error, or its limit when the given one was too low. A relayer that sends the same action
   * many times saves the estimate's repeated runs of the call (at least three on most nodes).
   * Unused gas is not charged, but a limit counts in full against a block's gas limit on nodes
   * that pack blocks by limits.
   */
  gas?: bigint;
};

/**
 * Encodes, estimates (a revert surfaces here as a named error, before a nonce is used), signs with
 * a locally managed nonce, sends and waits for the receipt. With {@link WriteOptions.gas}, one
 * `eth_call` at that limit replaces the estimate.
 */
export async function writeContract(
  client: ImiBaseClient,
  call: ContractCall & WriteOptions & { account?: ImiAccount; action: string },
): Promise<WriteResult> {
  const account = requireAccount(client, call.account, call.action);
  // A passkey signs typed data only; its actions reach the chain through a relayer (the BySig paths).
  if (account.type === "passkey")
    throw new InvalidInputError("PASSKEY_CANNOT_SEND", "account", `${call.action}: a passkey account sends no transactions; sign the action and have it relayed.`);
  const iface = interfaces[call.contract];
  const to = contractAddress(client, call.contract);
  const data = iface.encodeFunctionData(call.functionName, call.args ?? []) as Hex;
  await client.verifyChain();
  const where = { contract: call.contract, functionName: call.functionName };
  const estimate = async () => {
    const estimated = BigInt(await client.transport.request<string>("eth_estimateGas", [{ from: account.address, to, data }]));
    // Headroom: estimates are exact for this state, but another in-flight tx may change it slightly.
    return (estimated * 13n) / 10n + 10_000n;
  };
  let gas: bigint;
  let gasPrice: bigint;
  try {
    const [limit, price] = await Promise.all([
      call.gas === undefined ? estimate() : checkedLimit(client, { from: account.address, to, data }, toGas(call.gas), estimate),
      client.transport.request<string>("eth_gasPrice"),
    ]);
    gas = limit;
    gasPrice = BigInt(price);
  } catch (error) {
    throw toImiError(error, where);
  }
  const fetchNonce = async () =>
    Number(BigInt(await client.request<string>("eth_getTransactionCount", [account.address, "pending"])));
  // Listening from before the send: a block sealed while the node answers it is not missed.
  const blocks = client.onBlock ? blockSignal(client.onBlock) : undefined;
  try {
    return await sendAndWait(client, account, { to, data, gas, gasPrice, where, fetchNonce, blocks });
  } finally {
    blocks?.stop();
  }
}

async function sendAndWait(
  client: ImiBaseClient,
  account: Exclude<ImiAccount, { type: "passkey" }>,
  w: { to: Address; data: Hex; gas: bigint; gasPrice: bigint; where: { contract: string; functionName: string }; fetchNonce: () => Promise<number>; blocks: BlockSignal | undefined },
): Promise<WriteResult> {
  const { to, data, gas, gasPrice, where, fetchNonce } = w;
  const hash = await client.nonces.send(account.address, fetchNonce, async (nonce) => {
    try {
      if (account.type === "local") {
        const tx = Transaction.from({ type: 0, chainId: client.chainId, nonce, gasLimit: gas, gasPrice, to, data, value: 0n });
        tx.signature = account.signDigest(tx.unsignedHash as Hex);
        return await client.transport.request<Hex>("eth_sendRawTransaction", [tx.serialized]);
      }
      return await client.transport.request<Hex>("eth_sendTransaction", [
        { from: account.address, to, data, gas: toQuantity(gas), gasPrice: toQuantity(gasPrice), nonce: toQuantity(BigInt(nonce)) },
      ]);
    } catch (error) {
      throw toImiError(error, { ...where, sending: true });
    }
  }, isNonceError);
  const receipt = await waitForReceipt(client, hash, w.blocks);
  if (receipt.status !== "0x1") {
    // Replay at the failing block to learn why (a receipt carries no revert data).
    try {
      await client.transport.request("eth_call", [{ from: account.address, to, data, gas: toQuantity(gas) }, receipt.blockNumber]);
    } catch (error) {
      throw toImiError(error, where);
    }
    throw new UnknownRevertError(undefined, { details: `transaction ${hash}` });
  }
  return {
    hash,
    blockNumber: Number(BigInt(receipt.blockNumber)),
    gasUsed: BigInt(receipt.gasUsed),
    events: parseLogs(client, receipt.logs),
  };
}

function toGas(gas: bigint): bigint {
  if (typeof gas !== "bigint" || gas <= 0n || gas >= 2n ** 64n) throw new InvalidNumberError("gas", gas, "must be a positive bigint below 2^64");
  return gas;
}

/**
 * `gas` when the call succeeds with it now; otherwise what an estimate says (its error, or its
 * limit). A failed run at a fixed limit does not say why: an inner call that ran out of gas can
 * surface as the contract's own error (a smart account's signature check answering "invalid"),
 * so only the estimate, run with all the gas a block allows, decides a refusal.
 */
async function checkedLimit(client: ImiBaseClient, tx: { from: Address; to: Address; data: Hex }, gas: bigint, estimate: () => Promise<bigint>): Promise<bigint> {
  try {
    await client.transport.request("eth_call", [{ ...tx, gas: toQuantity(gas) }, "latest"]);
    return gas;
  } catch (error) {
    if (!(error instanceof RpcResponseError)) throw error;
    return estimate();
  }
}

function isNonceError(error: unknown): boolean {
  return error instanceof ImiError && error.code === "TX_REJECTED" && /nonce/i.test(String((error.cause as Error | undefined)?.message));
}

function toQuantity(n: bigint): string {
  return `0x${n.toString(16)}`;
}

type BlockSignal = { stop: () => void; next: (ms: number) => Promise<void> };

/** Wakes a waiter at the next block the client hears of (at once if one came since it last woke), or after `ms`. */
function blockSignal(onBlock: (listener: () => void) => () => void): BlockSignal {
  let heard = false;
  let wake: (() => void) | undefined;
  const stop = onBlock(() => {
    heard = true;
    wake?.();
  });
  return {
    stop,
    next: (ms) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wake = undefined;
          heard = false;
          resolve();
        };
        const timer = setTimeout(done, heard ? 0 : ms);
        wake = done;
      }),
  };
}

/**
 * Polls for the receipt, backing off from `pollingIntervalMs` to a second. With the client's
 * `onBlock`, each wait also ends at the next block, so a receipt is asked for about once a block.
 */
async function waitForReceipt(client: ImiBaseClient, hash: Hex, blocks: BlockSignal | undefined): Promise<RpcReceipt> {
  const deadline = Date.now() + client.receiptTimeoutMs;
  let interval = client.pollingIntervalMs;
  const wait = (ms: number) => (blocks ? blocks.next(ms) : new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // Without a block signal, ask at once: an instant-mining node has sealed the block by now.
  if (blocks) await wait(interval);
  for (;;) {
    const receipt = await client.request<RpcReceipt | null>("eth_getTransactionReceipt", [hash]);
    if (receipt) return receipt;
    if (Date.now() > deadline) throw new TimeoutError(`No receipt for ${hash} after ${client.receiptTimeoutMs} ms.`);
    await wait(interval);
    interval = Math.min(interval * 2, 1_000);
  }
}

export type GetEventsParameters = {
  [C in ImiContractName]: { contract: C; eventName: ItemName<C, "event"> };
}[ImiContractName] & {
  /** Values for indexed parameters, in order; null = any. */
  topics?: readonly (string | null)[];
  fromBlock?: number;
  toBlock?: number | "latest";
};

export async function getEvents(client: ImiBaseClient, p: GetEventsParameters): Promise<ContractEvent[]> {
  const iface = interfaces[p.contract];
  const fragment = iface.getEvent(p.eventName) as EventFragment;
  const topics = iface.encodeFilterTopics(fragment, (p.topics ?? []) as unknown[]);
  const address = contractAddress(client, p.contract);
  await client.verifyChain();
  const from = p.fromBlock ?? client.deployment.fromBlock ?? 0;
  const to = p.toBlock === undefined || p.toBlock === "latest" ? Number(BigInt(await client.request<string>("eth_blockNumber"))) : p.toBlock;
  // Nodes cap the block range of one eth_getLogs (Besu: 5 000 by default), so read in chunks,
  // a few at a time.
  const ranges: Array<[number, number]> = [];
  for (let start = from; start <= to; start += client.maxLogBlockRange) ranges.push([start, Math.min(to, start + client.maxLogBlockRange - 1)]);
  const logs: RpcLog[] = [];
  for (let i = 0; i < ranges.length; i += 4) {
    const chunk = await Promise.all(
      ranges.slice(i, i + 4).map(([start, end]) =>
        client.request<RpcLog[]>("eth_getLogs", [{ address, topics, fromBlock: toQuantity(BigInt(start)), toBlock: toQuantity(BigInt(end)) }]),
      ),
    );
    for (const part of chunk) logs.push(...part);
  }
  return parseLogs(client, logs).sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
}

type EventArgs<C extends ImiContractName, E> = AbiObject<Extract<Abis[C][number], { type: "event"; name: E }>["inputs"]>;

/** The arguments of the first `eventName` that `contract` emitted in a write, typed from its ABI. */
export function eventOf<C extends ImiContractName, E extends ItemName<C, "event">>(
  result: WriteResult,
  contract: C,
  eventName: E,
): EventArgs<C, E> {
  const event = result.events.find((e) => e.eventName === eventName);
  if (!event) throw new NotFoundError(`Transaction ${result.hash} emitted no ${contract} ${eventName}.`);
  return event.args as EventArgs<C, E>;
}
