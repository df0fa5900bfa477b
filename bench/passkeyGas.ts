// Gas of a citizen's actions signed by a passkey (WebAuthn through a PasskeyAccount, ERC-1271),
// on one IMI deployment. bench/gas.ts runs it on a network without the P-256 precompile and on
// one with it (EIP-7951), and prints the two side by side.
import { TypedDataEncoder, hexlify, randomBytes, type ContractTransactionResponse } from "ethers";
import { encodeWebAuthnSignature, passkeyChallenge, type Hex } from "@imi-ledger/sdk";
import type { ImiContract, ImiFixture } from "../test/helpers/deployImi.js";
import { CONSENT_TYPES, code, domainOf } from "../test/helpers/typedData.js";
import { softPasskey } from "../test/helpers/softPasskey.js";

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

export async function passkeyGas(f: ImiFixture): Promise<Record<string, bigint>> {
  const factory = (f.contracts as unknown as { passkeyAccountFactory: ImiContract }).passkeyAccountFactory;
  const { identityRegistry: identity, consentRegistry: consents } = f.contracts;
  const { registrar, agency, gateway } = f.accounts;
  const key = softPasskey();
  const results: Record<string, bigint> = {};
  results.passkey_account_create = await gasOf(factory.connect(gateway).createAccount(key.publicKey.x, key.publicKey.y));
  const account = (await factory.accountAddress(key.publicKey.x, key.publicKey.y)) as string;
  const citizen = hexlify(randomBytes(32));
  await (await identity.connect(registrar).register(citizen, account, hexlify(randomBytes(32)), 2)).wait();
  const domain = domainOf("IMI ConsentRegistry", f.chainId, await consents.getAddress());
  const now = await f.now();
  const deadline = now + 3600;
  const request = { citizen, agency: agency.address, scopes: 0b110n, purpose: code("tax"), validFrom: now, validUntil: now + 86_400 * 90, maxUses: 10 };
  const sign = async (primary: string, message: Record<string, unknown>) =>
    encodeWebAuthnSignature(await key.get(passkeyChallenge(TypedDataEncoder.hash(domain, { [primary]: [...CONSENT_TYPES[primary]] }, message) as Hex)));
  const grantSig = await sign("Grant", { ...request, nonce: 0n, deadline });
  results.grant_signed_passkey = await gasOf(consents.connect(gateway).grantBySig(request, { signer: account, deadline, signature: grantSig }));
  const consentId = await consents.latestConsent(citizen, agency.address, code("tax"));
  const revokeSig = await sign("Revoke", { consentId, nonce: 1n, deadline });
  results.revoke_signed_passkey = await gasOf(consents.connect(gateway).revokeBySig(consentId, { signer: account, deadline, signature: revokeSig }));
  return results;
}
