// The SDK against the project's own embedded node over plain HTTP JSON-RPC: a real LevelDB,
// blocks sealed by the validator, the genesis allowlist deciding who may send. Citizens are not
// allowlisted: they only sign, and the gateway relays.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ConsentRegistryInvalidTransitionError,
  buildAccessLogBatch,
  createImiClient,
  generatePrivateKey,
  privateKeyToAccount,
  purposeCode,
  randomBytes32,
  recordCommitment,
  type Hex,
  type ImiClient,
  type ImiDeployment,
  type LocalAccount,
} from "@imi-ledger/sdk";
import { startTestChain, type TestChain } from "../node/chain/helpers.js";
import { caught } from "./fixture.js";
import { deployWiredImi } from "../helpers/artifacts.js";

let t: TestChain;
let deployment: ImiDeployment;
let keys: Record<"deployer" | "governor" | "registrar" | "issuer" | "agency" | "gateway", LocalAccount>;
let client: (account?: LocalAccount) => ImiClient;

beforeAll(async () => {
  t = await startTestChain({ accounts: 6 });
  const [deployer, governor, registrar, issuer, agency, gateway] = t.wallets;
  keys = {
    deployer: privateKeyToAccount(deployer.privateKey as Hex),
    governor: privateKeyToAccount(governor.privateKey as Hex),
    registrar: privateKeyToAccount(registrar.privateKey as Hex),
    issuer: privateKeyToAccount(issuer.privateKey as Hex),
    agency: privateKeyToAccount(agency.privateKey as Hex),
    gateway: privateKeyToAccount(gateway.privateKey as Hex),
  };
  const { addresses } = await deployWiredImi(deployer, {
    governor: governor.address,
    governorSigner: governor,
    roles: [1, 2, 3, 5],
    accounts: [registrar.address, issuer.address, agency.address, gateway.address],
    allowlist: [governor, registrar, issuer, agency, gateway].map((w) => w.address),
  });
  deployment = { chainId: t.chain.chainId, contracts: addresses as ImiDeployment["contracts"] };
  client = (account) => createImiClient({ rpc: t.chain.url, deployment, account });
}, 120_000);

afterAll(async () => t?.cleanup());

describe("SDK on the embedded node", () => {
  let citizen: Hex;
  let citizenKey: LocalAccount;
  let consentId: Hex;

  test("register; grant and pause consent signed by a citizen who cannot send, relayed by the gateway", async () => {
    citizenKey = privateKeyToAccount(generatePrivateKey());
    citizen = randomBytes32();
    await client(keys.registrar).identity.register({ citizen, controller: citizenKey.address, commitment: recordCommitment({ n: 1 }, randomBytes32()), level: 2 });
    const wallet = client(citizenKey);
    const gateway = client(keys.gateway);
    const now = Number((await t.provider.getBlock("latest"))!.timestamp);
    const request = { citizen, agency: keys.agency.address, scopes: 6n, purpose: purposeCode("social-benefits"), validFrom: now, validUntil: now + 86_400 };
    const { authorization } = await wallet.consent.signGrant({ request });
    ({ consentId } = await gateway.consent.grant({ request, authorization }));
    const pause = await wallet.consent.signPause({ consentId });
    expect((await gateway.consent.pause({ consentId, authorization: pause.authorization })).status).toBe("paused");
    expect(await client().consent.check({ agency: keys.agency.address, citizen, scopes: 2n, purpose: request.purpose })).toMatchObject({
      allowed: false,
      decision: "Paused",
    });
    expect(await wallet.consent.list({ citizen })).toHaveLength(1);
  });

  test("a contract refusal is decoded into its named error", async () => {
    const error = await caught(() => client(keys.gateway).consent.pause({ consentId, authorization: undefined }));
    // The gateway is not the citizen: Unauthorized, or InvalidTransition since it is already paused.
    expect(error.code).toBe("CONTRACT_REVERT");
    const resume = await client(citizenKey).consent.signResume({ consentId });
    await client(keys.gateway).consent.resume({ consentId, authorization: resume.authorization });
    const again = await client(citizenKey).consent.signResume({ consentId });
    expect(await caught(() => client(keys.gateway).consent.resume({ consentId, authorization: again.authorization }))).toBeInstanceOf(
      ConsentRegistryInvalidTransitionError,
    );
  });

  test("an account outside the allowlist is refused by the node: TX_REJECTED, not a revert", async () => {
    const error = await caught(() => client(citizenKey).consent.pause({ consentId }));
    expect(error.code).toBe("TX_REJECTED");
  });

  test("25 transactions from one account in flight at once", async () => {
    const governor = client(keys.governor);
    const { schemaId } = await governor.credentials.registerSchema({ schemaId: randomBytes32(), name: "permit", version: "1" });
    await governor.credentials.setIssuerTrust({ schemaId, issuer: keys.issuer.address, trusted: true });
    const issuer = client(keys.issuer);
    const hashes = Array.from({ length: 25 }, () => randomBytes32());
    await Promise.all(hashes.map((credentialHash) => issuer.credentials.anchor({ credentialHash, schemaId })));
    const statuses = await Promise.all(hashes.map((credentialHash) => client().credentials.status({ credentialHash })));
    expect(new Set(statuses)).toEqual(new Set(["valid"]));
    const batch = await issuer.credentials.anchorBatch({ credentialHashes: [randomBytes32(), randomBytes32(), randomBytes32()], schemaId });
    const [first, proof] = [...batch.proofs][0];
    expect(await client().credentials.status({ credentialHash: first, batch: { root: batch.root, proof } })).toBe("valid");
  });

  test("access log: anchor two batches, verify the chain and a record's proof", async () => {
    const gateway = client(keys.gateway);
    const record = (seq: number) => ({
      seq,
      time: Date.now(),
      gateway: keys.gateway.address,
      agency: keys.agency.address,
      citizen,
      kind: "data" as const,
      scopes: 2n,
      purpose: purposeCode("social-benefits"),
      grantId: consentId,
      basis: "consent" as const,
      decision: "allowed" as const,
      reason: "ALLOWED",
      requestHash: randomBytes32(),
      responseHash: randomBytes32(),
    });
    const one = buildAccessLogBatch([record(1), record(2)]);
    await gateway.accessLog.anchor({ ...one, previousRoot: `0x${"0".repeat(64)}` });
    const two = buildAccessLogBatch([record(3)]);
    await gateway.accessLog.anchor({ ...two, previousRoot: one.root });
    const audit = await client().accessLog.verify({ gateway: keys.gateway.address, records: [...one.proofs, ...two.proofs].map((p) => p.record) });
    expect(audit).toMatchObject({ valid: true, lastSeq: 3n, problems: [] });
    expect(await client().accessLog.verifyProof({ proof: one.proofs[1] })).toMatchObject({ valid: true, batchIndex: 0n });
  });
});
