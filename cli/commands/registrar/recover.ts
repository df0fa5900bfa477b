import type { Address, Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { address, bytes32 } from "../../internal/parse.js";

export type RecoverKeyOptions = NodeOptions & KeyOptions & { citizen: string; newController?: string; complete?: boolean };
export type RecoverKeyResult =
  | { step: "initiated"; citizen: Hex; newController: Address; executableAt: number; txHash: Hex }
  | { step: "completed"; citizen: Hex; controller: Address; txHash: Hex };

/**
 * A citizen lost their key: the registrar starts re-binding the identity to a new key. The old key
 * can object (cancel) during the recovery delay; afterwards anyone completes it (`--complete`).
 */
export async function recoverKey(options: RecoverKeyOptions): Promise<RecoverKeyResult> {
  const citizen = bytes32("<citizen>", options.citizen);
  if (options.complete && options.newController !== undefined) throw usage("INVALID_ARGUMENT", "--complete takes no --new-controller: it finishes the pending recovery");
  const newController = options.complete ? undefined : address("--new-controller", options.newController);
  const node = await connect(options);
  const client = node.client(await loadKey(options));
  if (options.complete) {
    const { hash } = await client.identity.completeRecovery({ citizen });
    const identity = await client.identity.get({ citizen });
    return { step: "completed", citizen, controller: identity.controller, txHash: hash };
  }
  const { hash, executableAt } = await client.identity.initiateRecovery({ citizen, newController: newController! });
  return { step: "initiated", citizen, newController: newController!, executableAt: Number(executableAt), txHash: hash };
}
