// What every consent change shares: who signs (the citizen's key or a guardian's), for which
// identity, and the confirmation step that shows the exact typed data before signing.
import { CliError, EXIT } from "../../CliError.js";
import type { ImiClient } from "@imi-ledger/sdk";
import type { LocalAccount } from "@imi-ledger/sdk";
import type { TypedDataDefinition } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type Node, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { bytes32 } from "../../internal/parse.js";
import { confirm } from "../../internal/prompt.js";
import { describeTypedData } from "../../internal/typedDataText.js";

export type SignerOptions = NodeOptions & KeyOptions & { citizen?: string; yes?: boolean };

export type Signer = { node: Node; account: LocalAccount; client: ImiClient; citizen: Hex };

/** The signing key and the identity it acts for (its own, or --citizen for a guardian). */
export async function openSigner(options: SignerOptions): Promise<Signer> {
  const explicit = options.citizen === undefined ? undefined : bytes32("--citizen", options.citizen);
  const node = await connect(options);
  const account = await loadKey(options);
  const client = node.client(account);
  const citizen = explicit ?? (await client.identity.identityOf({ key: account.address }));
  if (!citizen) throw usage("NOT_A_CITIZEN", `the key ${account.address} controls no identity; a guardian names it with --citizen`);
  return { node, account, client, citizen };
}

/**
 * Times for a signature: `chain` is the latest block's time, `now` the later of that and this
 * machine's clock. A chain that seals only when transactions arrive can have a latest block hours
 * old; a deadline counted from it would already have passed when the relayed transaction lands.
 */
export async function signingTimes(client: ImiClient): Promise<{ chain: bigint; now: bigint }> {
  const block = await client.request<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
  const chain = BigInt(block.timestamp);
  const local = BigInt(Math.floor(Date.now() / 1000));
  return { chain, now: chain > local ? chain : local };
}

/** Shows the typed data (stderr) and asks, unless --yes. Declining sends nothing. */
export async function confirmSignature(typed: TypedDataDefinition, options: { yes?: boolean }, names: Record<string, string> = {}): Promise<void> {
  if (options.yes) return;
  process.stderr.write(`${describeTypedData(typed, names).join("\n")}\n`);
  if (!(await confirm("Sign and send?"))) throw new CliError("CANCELLED", "not signed; nothing was sent", { exitCode: EXIT.failure });
}
