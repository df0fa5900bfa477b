import { createOneCode, type Address, type Hex } from "@imi-ledger/sdk";
import { usage } from "../../internal/errors.js";
import { citizenLogin, withClient } from "../../internal/gateway.js";
import { address, bytes32 } from "../../internal/parse.js";
import { openSigner, type SignerOptions } from "../consent/signer.js";
import { enterpriseArg, enterpriseScopesArg } from "../enterprise/subject.js";

export type CitizenCodeOptions = SignerOptions & { verifier?: string; credential?: string; stapleSeconds?: string; enterprise?: string; scopes?: string };
export type CitizenCodeResult = {
  code: string;
  citizen: Hex;
  verifier?: Address;
  stapleExpiresAt: number;
  claim?: { name: string; value: string };
  /** An enterprise's code: the enterprise and the scopes stapled. */
  enterprise?: Hex;
  scopes?: number;
};

/**
 * The citizen's one code from the command line (a phone shows the same as a QR): a staple from the
 * gateway for the signed-in key, then a fresh code over it, for one verifier or for any. With
 * --enterprise, the enterprise's one code (一企一码) shown by its representative: the gateway staples it
 * only while the key acts for the enterprise with the identity scope (and --scopes).
 */
export async function citizenCode(options: CitizenCodeOptions): Promise<CitizenCodeResult> {
  const verifier = options.verifier === undefined ? undefined : address("--verifier", options.verifier);
  const credential = options.credential === undefined ? undefined : bytes32("--credential", options.credential);
  const enterprise = options.enterprise === undefined ? undefined : enterpriseArg("--enterprise", options.enterprise);
  const scopes = enterpriseScopesArg("--scopes", options.scopes);
  if (scopes !== undefined && enterprise === undefined) throw usage("INVALID_SCOPES", "--scopes: only with --enterprise");
  let ttlSeconds: number | undefined;
  if (options.stapleSeconds !== undefined) {
    ttlSeconds = Number(options.stapleSeconds);
    if (!/^[0-9]{1,4}$/.test(options.stapleSeconds) || ttlSeconds < 30 || ttlSeconds > 900) throw usage("INVALID_DURATION", "--staple-seconds: 30 to 900");
  }
  const { node, account, citizen } = await openSigner(options);
  const gateway = node.requireGateway();
  const { token } = await citizenLogin(gateway, node.deployment.chainId, account, citizen);
  const staple = await withClient(gateway, (client) => client.getOneCodeStaple({ token, ttlSeconds, credential, ...(enterprise ? { enterprise, ...(scopes !== undefined ? { scopes: Number(scopes) } : {}) } : {}) }));
  const code = await createOneCode(account, { chainId: node.deployment.chainId, staple, verifier });
  return {
    code,
    citizen,
    ...(verifier ? { verifier } : {}),
    stapleExpiresAt: staple.status.expiresAt,
    ...(staple.claim ? { claim: { name: staple.claim.name, value: staple.claim.value } } : {}),
    ...(staple.status.enterprise ? { enterprise: staple.status.enterprise, scopes: staple.status.scopes } : {}),
  };
}
