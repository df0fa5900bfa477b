import { createOneCode, type Address, type Hex } from "@imi-ledger/sdk";
import { usage } from "../../internal/errors.js";
import { citizenLogin, withClient } from "../../internal/gateway.js";
import { address, bytes32 } from "../../internal/parse.js";
import { openSigner, type SignerOptions } from "../consent/signer.js";

export type CitizenCodeOptions = SignerOptions & { verifier?: string; credential?: string; stapleSeconds?: string };
export type CitizenCodeResult = { code: string; citizen: Hex; verifier?: Address; stapleExpiresAt: number; claim?: { name: string; value: string } };

/**
 * The citizen's one code from the command line (a phone shows the same as a QR): a staple from the
 * gateway for the signed-in key, then a fresh code over it, for one verifier or for any.
 */
export async function citizenCode(options: CitizenCodeOptions): Promise<CitizenCodeResult> {
  const verifier = options.verifier === undefined ? undefined : address("--verifier", options.verifier);
  const credential = options.credential === undefined ? undefined : bytes32("--credential", options.credential);
  let ttlSeconds: number | undefined;
  if (options.stapleSeconds !== undefined) {
    ttlSeconds = Number(options.stapleSeconds);
    if (!/^[0-9]{1,4}$/.test(options.stapleSeconds) || ttlSeconds < 30 || ttlSeconds > 900) throw usage("INVALID_DURATION", "--staple-seconds: 30 to 900");
  }
  const { node, account, citizen } = await openSigner(options);
  const gateway = node.requireGateway();
  const { token } = await citizenLogin(gateway, node.deployment.chainId, account, citizen);
  const staple = await withClient(gateway, (client) => client.getOneCodeStaple({ token, ttlSeconds, credential }));
  const code = await createOneCode(account, { chainId: node.deployment.chainId, staple, verifier });
  return {
    code,
    citizen,
    ...(verifier ? { verifier } : {}),
    stapleExpiresAt: staple.status.expiresAt,
    ...(staple.claim ? { claim: { name: staple.claim.name, value: staple.claim.value } } : {}),
  };
}
