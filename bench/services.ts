// Life-event services and webhooks, end to end on a real node (embedded chain, gateway, services):
//   delivery latency  — a marriage anchored (the issuer's anchor confirmed) → the voucher in the
//                       spouse's list as the gateway serves it (GET /v1/citizen/services);
//   webhook latency   — a revocation confirmed on chain → the agency's endpoint (HTTP on 127.0.0.1)
//                       holding the signed notice.
// Reference in the same run: one signed transaction sent and confirmed (a consent grant through
// the gateway relay), the unit both latencies are made of.
//
//   npm run bench:services [-- --couples 3] [-- --json]
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createGatewayClient, privateKeyToAccount, type Hex, type WebhookPayload } from "@imi-ledger/sdk";
import { openKeyRing } from "../node/runtime/keys.js";
import { grantRole } from "../cli/commands/roles/grant.js";
import { grantConsent } from "../cli/commands/consent/grant.js";
import { changeConsent } from "../cli/commands/consent/change.js";
import { registerAgency } from "../cli/commands/agency/register.js";
import { anchorMarriage, citizenClient, grantStanding, makeDataDir, register, removeDir, setUpDistrict, startNodeIn, type Person } from "../test/node/services/helpers.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const couplesArg = args.indexOf("--couples");
const COUPLES = couplesArg >= 0 ? Number(args[couplesArg + 1]) : 3;
const say = (line: string) => {
  if (!json) console.log(line);
};
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, median: s[Math.floor(s.length / 2)] ?? 0, max: s.at(-1) ?? 0 };
};

const received = new Map<string, number>();
const hook = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const payload = JSON.parse(Buffer.concat(chunks).toString("utf8")) as WebhookPayload;
    if (payload.event === "consent.revoked") received.set(String(payload.data.consentId), performance.now());
    res.writeHead(204).end();
  });
});
await new Promise<void>((ok) => hook.listen(0, "127.0.0.1", ok));

const dataDir = await makeDataDir({ enabled: true, pollIntervalMs: 100, retryBaseMs: 200, retryMaxMs: 1_000 });
const node = await startNodeIn(dataDir);
try {
  const { marriageSchema } = await setUpDistrict(dataDir);
  const ring = await openKeyRing(dataDir);
  const agency = (await ring.address("benefits-office")) as Hex;
  await grantRole({ dataDir, role: "agency", account: agency });
  await registerAgency({
    dataDir,
    key: "governor",
    account: agency,
    registration: {
      name: { "zh-CN": "区社会救助事务所", en: "District benefits office" },
      contact: "12345",
      legalBasis: { "zh-CN": "《社会救助暂行办法》", en: "Interim Measures on Social Assistance" },
      purposes: [{ id: "social-benefits", categories: ["address"], name: { "zh-CN": "社会救助", en: "Social benefits" } }],
    },
  });
  const gateway = createGatewayClient({ url: node.gateway.url });
  await gateway.loginStaff({ signer: privateKeyToAccount((await ring.privateKey("benefits-office")) as Hex), lifetimeSeconds: 900 });
  await gateway.registerWebhook({ url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/imi`, events: ["consent.revoked"] });

  const couples: Array<[Person, Person]> = [];
  for (let i = 0; i < COUPLES; i++) {
    const n = String(i).padStart(3, "0");
    const pair: [Person, Person] = [
      { key: `bride-${n}`, name: `Bride ${n}`, idNumber: `11010819950307${n}2`, birthDate: "1995-03-07", district: "Haidian" },
      { key: `groom-${n}`, name: `Groom ${n}`, idNumber: `11010819940501${n}1`, birthDate: "1994-05-01", district: "Haidian" },
    ];
    for (const p of pair) await register(dataDir, p);
    couples.push(pair);
  }
  // Reference: one signed transaction confirmed (a standing consent grant through the relay), each spouse.
  const oneTx: number[] = [];
  for (const pair of couples)
    for (const p of pair) {
      const t0 = performance.now();
      await grantStanding(dataDir, p);
      oneTx.push(performance.now() - t0);
    }
  const consents = new Map<string, Hex>();
  for (const [bride] of couples) consents.set(bride.key, (await grantConsent({ dataDir, key: bride.key, agency, scopes: "address", purpose: "social-benefits", for: "365d", yes: true })).consentId);

  // Delivery latency: anchored (the issuer's transaction confirmed) → voucher in the spouse's list.
  const delivery: number[] = [];
  for (const pair of couples) {
    const clients = await Promise.all(pair.map((p) => citizenClient(dataDir, node, p)));
    await anchorMarriage(dataDir, marriageSchema, pair);
    const anchoredAt = performance.now();
    await Promise.all(
      clients.map(async (client) => {
        for (;;) {
          const { services } = await client.getCitizenServices();
          if (services.some((s) => s.rule === "prenatal-check-voucher" && s.state === "delivered")) return void delivery.push(performance.now() - anchoredAt);
          await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
  }

  // Webhook latency: revocation confirmed → the agency's endpoint holds the signed notice.
  const webhook: number[] = [];
  for (const [bride] of couples) {
    const consentId = consents.get(bride.key)!;
    await changeConsent("revoke", { dataDir, key: bride.key, consentId, yes: true });
    const confirmedAt = performance.now();
    while (!received.has(consentId.toLowerCase())) await new Promise((r) => setTimeout(r, 5));
    webhook.push(received.get(consentId.toLowerCase())! - confirmedAt);
  }

  const ref = stats(oneTx);
  const d = stats(delivery);
  const w = stats(webhook);
  const figures = {
    couples: COUPLES,
    oneTransactionMs: { median: Math.round(ref.median), max: Math.round(ref.max) },
    deliveryLatencyMs: { n: d.n, median: Math.round(d.median), max: Math.round(d.max), ratioToOneTransaction: Number((d.median / ref.median).toFixed(2)) },
    webhookLatencyMs: { n: w.n, median: Math.round(w.median), max: Math.round(w.max), ratioToOneTransaction: Number((w.median / ref.median).toFixed(2)) },
  };
  if (json) console.log(JSON.stringify(figures));
  say(`services bench (${COUPLES} couples, embedded chain, node on 127.0.0.1)`);
  say(`  reference: one signed transaction confirmed     median ${figures.oneTransactionMs.median} ms, max ${figures.oneTransactionMs.max} ms`);
  say(`  delivery: marriage anchored -> voucher in list  median ${figures.deliveryLatencyMs.median} ms, max ${figures.deliveryLatencyMs.max} ms (${figures.deliveryLatencyMs.ratioToOneTransaction}x one transaction; n=${d.n})`);
  say(`  webhook: revocation confirmed -> endpoint       median ${figures.webhookLatencyMs.median} ms, max ${figures.webhookLatencyMs.max} ms (${figures.webhookLatencyMs.ratioToOneTransaction}x one transaction; n=${w.n})`);
} finally {
  await node.close();
  hook.close();
  await removeDir(dataDir);
}
