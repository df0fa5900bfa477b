// A key recovery pending on the citizen's identity, and the citizen's cancel: signed here with the
// identity's key (CancelRecovery, EIP-712), relayed by the gateway through the SDK's client.
import { cancelRecoveryTypedData, type Hex } from "@imi-ledger/sdk";
import type { CitizenSigner } from "../session.js";
import { gateway } from "./client.js";
import { getDeployment } from "./directory.js";
import type { Session } from "./http.js";

export type PendingRecovery = { pending: false } | { pending: true; newController: string; executableAt: string };

/** GET /v1/citizen/recovery, read from the chain by the gateway. */
export async function myRecovery(session: Session): Promise<PendingRecovery> {
  return (await gateway.getCitizenRecovery({ token: session.token })) as PendingRecovery;
}

export async function cancelMyRecovery(account: CitizenSigner, citizen: Hex): Promise<void> {
  const [deployment, nonces] = await Promise.all([getDeployment(), gateway.getSignerNonces({ signer: account.address })]);
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const typed = cancelRecoveryTypedData({
    chainId: deployment.chainId,
    verifyingContract: deployment.contracts.identityRegistry as Hex,
    citizen,
    nonce: BigInt((nonces as unknown as { identityRegistry: string }).identityRegistry),
    deadline,
  });
  await gateway.relayCancelRecovery({ citizen, authorization: { signer: account.address, deadline, signature: await account.signTypedData(typed) } });
}
