// Gas per IMI operation on Hardhat's in-process network, so later changes can be compared.
// Usage: npm run bench:gas [-- --json]   (with --json the last line is one JSON object)
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { ZeroHash, hexlify, randomBytes, type ContractTransactionResponse } from "ethers";
import { deployImi } from "../test/helpers/deployImi.js";
import { CONSENT_TYPES, code, domainOf, signTyped } from "../test/helpers/typedData.js";
import { passkeyGas } from "./passkeyGas.js";

const json = process.argv.includes("--json");
const randomId = () => hexlify(randomBytes(32));

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

const f = await deployImi();
const { identityRegistry: identity, consentRegistry: consents, credentialRegistry: credentials, accessLog } = f.contracts;
const { registrar, agency, issuer, gateway, governor, others } = f.accounts;
const results: Record<string, bigint> = {};

// Reference: a plain value transfer costs 21,000 gas on every EVM chain.
results.reference_transfer = await gasOf(others[9].sendTransaction({ to: others[8].address, value: 1n }) as never);

const citizenKey = others[0];
const citizen = randomId();
results.register = await gasOf(identity.connect(registrar).register(citizen, citizenKey.address, randomId(), 2));

const now = await f.now();
const grantRequest = (purpose: string) => ({
  citizen,
  agency: agency.address,
  scopes: 0b110n,
  purpose: code(purpose),
  validFrom: now,
  validUntil: now + 86_400 * 90,
  maxUses: 10,
});
results.grant_direct = await gasOf(consents.connect(citizenKey).grant(grantRequest("benefits")));

const signedRequest = grantRequest("tax");
const deadline = now + 3600;
const signature = await signTyped(
  citizenKey,
  domainOf("IMI ConsentRegistry", f.chainId, await consents.getAddress()),
  CONSENT_TYPES,
  "Grant",
  { ...signedRequest, nonce: await consents.nonces(citizenKey.address), deadline },
);
results.grant_signed = await gasOf(
  consents.connect(gateway).grantBySig(signedRequest, { signer: citizenKey.address, deadline, signature }),
);
const consentId = await consents.latestConsent(citizen, agency.address, code("benefits"));
results.revoke = await gasOf(consents.connect(citizenKey).revoke(consentId));
// A limited consent's use, counted on chain by a gateway before it releases anything (unlimited consents pay nothing).
const taxConsent = await consents.latestConsent(citizen, agency.address, code("tax"));
results.consume_use = await gasOf(consents.connect(gateway).consume(taxConsent));
// A guardian's grant records the guardianship it stands on; the citizen's confirmation keeps it after the guardianship ends.
const guardian = others[1];
await (await identity.connect(citizenKey).addGuardian(citizen, guardian.address, 0b110n, now + 86_400)).wait();
results.grant_by_guardian = await gasOf(consents.connect(guardian).grant(grantRequest("care")));
results.confirm_guardian_grant = await gasOf(consents.connect(citizenKey).confirm(await consents.latestConsent(citizen, agency.address, code("care"))));

const schemaId = code("residence-certificate/1.0");
await (await credentials.connect(governor).registerSchema(schemaId, "residence-certificate", "1.0")).wait();
await (await credentials.connect(governor).setIssuerTrust(schemaId, issuer.address, true)).wait();
results.anchor_credential = await gasOf(
  credentials.connect(issuer).anchor(randomId(), schemaId, citizen, now, now + 86_400 * 365),
);
const tree = StandardMerkleTree.of(Array.from({ length: 1000 }, () => [randomId()]), ["bytes32"]);
results.anchor_1000_credentials_root = await gasOf(
  credentials.connect(issuer).anchorBatch(tree.root, 1000, schemaId, now, now + 86_400 * 365),
);
const many = Array.from({ length: 100 }, () => randomId());
results.anchor_many_100_credentials = await gasOf(
  credentials.connect(issuer).anchorMany(many, many.map(() => citizen), schemaId, now, 0),
);
results.anchor_access_batch = await gasOf(accessLog.connect(gateway).anchor(randomId(), 1000, 1, 1000, ZeroHash));
results.anchor_access_batch_next = await gasOf(
  accessLog.connect(gateway).anchor(randomId(), 1000, 1001, 2000, (await accessLog.headOf(gateway.address)).root),
);

// Passkey-signed actions on a cancun network (0x100 empty: OpenZeppelin's Solidity P-256) and on
// an osaka one (the EIP-7951 precompile, which the embedded chain runs on top of cancun).
const passkeyWithout = await passkeyGas(await deployImi({ hardfork: "cancun" }));
const passkeyWith = await passkeyGas(await deployImi({ hardfork: "osaka" }));

const rows = Object.entries(results).map(([operation, gas]) => ({
  operation,
  gas: Number(gas),
  vs_transfer: Number(gas) / Number(results.reference_transfer),
}));
const perCredentialBatch = Number(results.anchor_1000_credentials_root) / 1000;
const perCredentialSingle = Number(results.anchor_credential);

if (!json) {
  console.log("IMI gas per operation (Hardhat in-process network, solc 0.8.30, optimizer 200 runs, cancun)\n");
  console.log("operation".padEnd(32) + "gas".padStart(12) + "x transfer".padStart(12));
  for (const row of rows) {
    console.log(row.operation.padEnd(32) + row.gas.toLocaleString("en-US").padStart(12) + row.vs_transfer.toFixed(2).padStart(12));
  }
  console.log(
    `\nper credential: single anchor ${perCredentialSingle.toLocaleString("en-US")} gas, ` +
      `in a 1,000-credential root ${perCredentialBatch.toFixed(1)} gas ` +
      `(${(perCredentialSingle / perCredentialBatch).toFixed(0)}x cheaper)`,
  );
  console.log("\npasskey-signed (WebAuthn, ERC-1271)".padEnd(33) + "no precompile".padStart(14) + "precompile".padStart(12) + "ratio".padStart(8));
  for (const [operation, without] of Object.entries(passkeyWithout)) {
    const withIt = passkeyWith[operation];
    console.log(
      operation.padEnd(32) + Number(without).toLocaleString("en-US").padStart(14) + Number(withIt).toLocaleString("en-US").padStart(12) +
        (Number(without) / Number(withIt)).toFixed(1).padStart(8),
    );
  }
  console.log(
    `grant signed by a passkey vs by a key (ECDSA, ${Number(results.grant_signed).toLocaleString("en-US")} gas): ` +
      `${(Number(passkeyWithout.grant_signed_passkey) / Number(results.grant_signed)).toFixed(1)}x without the precompile, ` +
      `${(Number(passkeyWith.grant_signed_passkey) / Number(results.grant_signed)).toFixed(1)}x with it`,
  );
} else {
  const passkeyRows = Object.keys(passkeyWithout).flatMap((k) => [
    [`${k}_no_precompile`, Number(passkeyWithout[k])],
    [`${k}_precompile`, Number(passkeyWith[k])],
  ]);
  console.log(JSON.stringify({ ...Object.fromEntries(rows.map((r) => [r.operation, r.gas])), ...Object.fromEntries(passkeyRows) }));
}
process.exit(0);
