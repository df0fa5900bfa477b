// Gas per new enterprise and credit operation on Hardhat's in-process network (EDR), printed as a
// table: what one transaction of each kind costs, to compare with the citizen operations in bench/gas.ts.
// The reads the gateway makes for an enterprise's identity proof and one code are calls, shown as such.
import { hexlify, keccak256, randomBytes, toUtf8Bytes } from "ethers";
import { ENTERPRISE_SCOPES, enterpriseIdOf } from "@imi-ledger/sdk";
import { deployImi, ROLE } from "../test/helpers/deployImi.js";

const id = () => hexlify(randomBytes(32));
const bytes32Zero = `0x${"0".repeat(64)}`;
const code = (s: string) => keccak256(toUtf8Bytes(s));

const f = await deployImi();
const { governor, registrar } = f.accounts;
const [rep, clerk, , , , , , authority, counter] = f.accounts.others;
const rows: Array<[string, bigint]> = [];
const gas = async (name: string, tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => {
  const r = await (await tx).wait();
  rows.push([name, r!.gasUsed]);
};
await (await f.contracts.accessManager.connect(governor).grantRole(ROLE.COUNTER, counter.address, 0)).wait();
await (await f.contracts.accessManager.connect(governor).grantRole(ROLE.CREDIT_AUTHORITY, authority.address, 0)).wait();
const [repId, clerkId] = [id(), id()];
await (await f.contracts.identityRegistry.connect(registrar).register(repId, rep.address, id(), 2)).wait();
await (await f.contracts.identityRegistry.connect(registrar).register(clerkId, clerk.address, id(), 2)).wait();
const enterprise = enterpriseIdOf("91350100M000100Y43");
const schema = code("tax-arrears-blacklist");
await (await f.contracts.credentialRegistry.connect(governor).registerSchema(schema, "tax-arrears-blacklist", "1")).wait();
await (await f.contracts.credentialRegistry.connect(governor).setIssuerTrust(schema, authority.address, true)).wait();

await gas("EnterpriseRegistry.register", f.contracts.enterpriseRegistry.connect(counter).register(enterprise, id(), repId));
await gas("EnterpriseRegistry.appointStaff", f.contracts.enterpriseRegistry.connect(rep).appointStaff(enterprise, clerkId, ENTERPRISE_SCOPES.credit, (await f.now()) + 86400));
await gas("CreditRegistry.defineList", f.contracts.creditRegistry.connect(governor).defineList(schema, 2, true));
const entry = id();
const now = await f.now();
await gas("CreditRegistry.recordEntry", f.contracts.creditRegistry.connect(authority).recordEntry(entry, enterprise, schema, code("basis"), 101, now, now + 86400 * 365));
await gas("CreditRegistry.applyForRepair (staff)", f.contracts.creditRegistry.connect(clerk).applyForRepair(entry, code("evidence")));
await gas("CreditRegistry.decideRepair (approve)", f.contracts.creditRegistry.connect(authority).decideRepair(1, true, 201));
// Consents with an enterprise as the subject, beside a citizen's own grant for comparison.
const consents = f.contracts.consentRegistry;
const start = await f.now();
const grant = (citizen: string, purpose: string) => ({ citizen, agency: f.accounts.agency.address, scopes: (1n << 8n) | (1n << 9n), purpose: code(purpose), validFrom: start, validUntil: start + 90 * 86400, maxUses: 0 });
await gas("ConsentRegistry.grant (citizen, for comparison)", consents.connect(rep).grant(grant(repId, "tax-audit")));
await gas("ConsentRegistry.grant (enterprise, legal rep.)", consents.connect(rep).grant(grant(enterprise, "tax-audit")));
await (await f.contracts.enterpriseRegistry.connect(rep).removeStaff(enterprise, clerkId)).wait();
await (await f.contracts.enterpriseRegistry.connect(rep).appointStaff(enterprise, clerkId, ENTERPRISE_SCOPES.consent | ENTERPRISE_SCOPES.credit, (await f.now()) + 86400)).wait();
const byStaff = await (await consents.connect(clerk).grant(grant(enterprise, "evidence"))).wait();
rows.push(["ConsentRegistry.grant (enterprise, staff)", byStaff!.gasUsed]);
const consentId = byStaff!.logs.map((l: { topics: string[]; data: string }) => consents.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "ConsentGranted")!.args.consentId;
await gas("ConsentRegistry.pause (enterprise, staff)", consents.connect(clerk).pause(consentId));
await gas("ConsentRegistry.resume (enterprise, staff)", consents.connect(clerk).resume(consentId));
await gas("ConsentRegistry.revoke (enterprise, staff)", consents.connect(clerk).revoke(consentId));
await gas("EnterpriseRegistry.removeStaff", f.contracts.enterpriseRegistry.connect(rep).removeStaff(enterprise, clerkId));
// Statutory access naming an enterprise, beside one naming a citizen.
const statutory = (subject: string) =>
  consents.connect(governor).grantStatutory(subject, f.accounts.agency.address, (1n << 8n) | (1n << 9n), code("tax-audit"), code("tax-collection-act-38"), start, start + 90 * 86400);
// The first statutory grant of a deployment also starts its counter (a zero slot written): not counted.
await (await statutory(bytes32Zero)).wait();
await gas("ConsentRegistry.grantStatutory (citizen, for comparison)", statutory(repId));
await gas("ConsentRegistry.grantStatutory (enterprise)", statutory(enterprise));
// check() reads the agency's registration as it stands now: its cost as a call, and in consume(),
// the one transaction that runs it (a limited consent's use).
const limited = await (await consents.connect(rep).grant({ ...grant(enterprise, "tax-audit"), maxUses: 3 })).wait();
const limitedId = limited!.logs.map((l: { topics: string[]; data: string }) => consents.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "ConsentGranted")!.args.consentId;
await gas("ConsentRegistry.consume (enterprise, check incl. registration)", consents.connect(f.accounts.gateway).consume(limitedId));
const asCall = async (name: string, estimate: Promise<bigint>) => rows.push([`${name} (as a call, less 21,000)`, (await estimate) - 21000n]);
await asCall("ConsentRegistry.check", consents.check.estimateGas(limitedId, f.accounts.agency.address, enterprise, 1n << 8n, code("tax-audit")));
await asCall("  of which AgencyRegistry.excessScopes", f.contracts.agencyRegistry.excessScopes.estimateGas(f.accounts.agency.address, code("tax-audit"), 1n << 8n));
// What the gateway asks the chain per enterprise identity proof or online one-code check (no transaction).
await asCall("EnterpriseRegistry.authorizes (identity proof, one code)", f.contracts.enterpriseRegistry.authorizes.estimateGas(enterprise, rep.address, ENTERPRISE_SCOPES.identity));
for (const [name, used] of rows) console.log(`${name.padEnd(68)} ${used.toString().padStart(8)} gas`);
await f.connection.close();
