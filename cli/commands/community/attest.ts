// An attester (role 6) endorses a yes/no community fact about a resident: the salted commitment goes
// on chain with the attester's key, then the opening goes to the node's gateway, which keeps it only
// if it opens that commitment. The topic and value never reach the chain.
import { attestCommunityFact, COMMUNITY_FACTS, publishCommunityFact, toCommunityFact, type CommunityFact, type Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { withClient } from "../../internal/gateway.js";
import { bytes32 } from "../../internal/parse.js";
import { usage } from "../../internal/errors.js";

export type AttestOptions = NodeOptions & KeyOptions & { subject: string; fact: string; value: string; until?: string };
export type AttestResult = { uid: Hex; resident: Hex; fact: CommunityFact; value: boolean; expiresAt: number; txHash: Hex; published: boolean };

export async function attest(options: AttestOptions): Promise<AttestResult> {
  const resident = bytes32("--subject", options.subject);
  let fact: CommunityFact;
  try {
    fact = toCommunityFact("--fact", options.fact);
  } catch {
    throw usage("INVALID_COMMUNITY_FACT", `--fact: one of ${COMMUNITY_FACTS.join(", ")}`);
  }
  if (!["yes", "no"].includes(options.value)) throw usage("INVALID_VALUE", "--value: yes or no");
  const value = options.value === "yes";
  const expiresAt = options.until === undefined ? 0 : Math.floor(Date.parse(options.until) / 1000);
  if (!Number.isFinite(expiresAt)) throw usage("INVALID_DATE", `--until: ${JSON.stringify(options.until)} is not an ISO date`);
  const node = await connect(options);
  const client = node.client(await loadKey(options));
  const out = await attestCommunityFact(client, { resident, fact, value, expiresAt });
  await withClient(node.requireGateway(), (gateway) => publishCommunityFact(gateway, { uid: out.uid, fact, value, salt: out.salt }));
  return { uid: out.uid, resident, fact, value, expiresAt, txHash: out.hash, published: true };
}
