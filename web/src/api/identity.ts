// Key rotation from the browser: a new key is made on this device, the current key signs
// RotateKey for it (IdentityRegistry.rotateKeyBySig, relayed by the gateway), and the device's
// keystore is replaced by the new key, encrypted under the same password.
import { decryptKeystore, encryptKeystore, generatePrivateKey, privateKeyToAccount, rotateKeyTypedData, type Hex } from "@imi-ledger/sdk";
import { loadDeviceKey, saveDeviceKey } from "../keys/deviceKey.js";
import { citizenLogin, signerNonce } from "./citizen.js";
import { getDeployment } from "./directory.js";
import { gateway } from "./client.js";
import { setSignedIn, type SignedIn } from "../session.js";

/** Resolves with the new key's address once the ledger has it, the device keeps it and a new session is open under it. */
export async function rotateMyKey(me: SignedIn, password: string): Promise<{ newController: Hex; txHash: string }> {
  const stored = await loadDeviceKey();
  if (!stored) throw Object.assign(new Error("no key on this device"), { code: "NO_KEY_ON_DEVICE" });
  // The password must open the device's keystore: the new key will be kept under it.
  await decryptKeystore(stored.keystore, password);
  const next = privateKeyToAccount(generatePrivateKey());
  // Encrypted before anything is sent: once the ledger takes the new key, the old one is useless,
  // so the slow part that could fail (scrypt) must already be done.
  const keystore = await encryptKeystore(next, password);
  const deployment = await getDeployment();
  const { nonce } = await signerNonce("identityRegistry", me.account.address);
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const citizen = me.session.citizen;
  const typed = rotateKeyTypedData({ chainId: deployment.chainId, verifyingContract: deployment.contracts.identityRegistry as Hex, citizen, newController: next.address, nonce, deadline });
  const relayed = await gateway.relayRotateKey({ citizen, newController: next.address, authorization: { signer: me.account.address, deadline, signature: await me.account.signTypedData(typed) } });
  await saveDeviceKey({ keystore, citizen: stored.citizen, address: next.address, savedAt: Date.now() });
  setSignedIn({ session: await citizenLogin(next, citizen), account: next });
  return { newController: next.address, txHash: relayed.txHash };
}
