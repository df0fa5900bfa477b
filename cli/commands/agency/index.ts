import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions } from "../../internal/options.js";
import { isoTime, toJson } from "../../internal/output.js";
import type { AskOptions, RequestDataOptions } from "./access.js";
import type { KeyOptions, NodeOptions } from "../../internal/options.js";

type Options = NodeOptions & KeyOptions;

export function registerAgencyCommands(program: Command): void {
  const agency = group(program, "agency", "agencies: read data under consent, ask yes/no questions, verify identities and credentials");

  withKeyOptions(withNodeOptions(agency.command("request").description("read categories of a citizen's record under their consent (logged)")), "agency")
    .requiredOption("--citizen <id>", "the citizen's identity id")
    .requiredOption("--scopes <categories>", "e.g. address,income")
    .requiredOption("--purpose <name>", "the purpose the consent names, e.g. social-benefits")
    .option("--grant <id>", "the consent or statutory grant relied on (default: the latest consent)")
    .option("--encrypt", "have the gateway encrypt the answer to this agency's key")
    .action(
      action(async (out, options: RequestDataOptions) =>
        out.result(await (await import("./access.js")).requestData(options), (r) => [
          `${r.categories.join(", ")} of ${r.citizen} (basis: ${r.basis} ${r.grantId}${r.encrypted ? "; received encrypted to this agency's key" : ""})`,
          ...Object.entries(r.data ?? {}).map(([category, fields]) => `  ${category}: ${toJson(fields)}`),
          `  receipt: record #${r.receipt.seq} ${r.receipt.recordHash} at ${new Date(r.receipt.time).toISOString()}`,
        ]),
      ),
    );

  withKeyOptions(withNodeOptions(agency.command("ask").description("a signed yes/no about a citizen; no data leaves the vault")), "agency")
    .requiredOption("--citizen <id>", "the citizen's identity id")
    .requiredOption("--purpose <name>", "the purpose the consent names")
    .option("--age-at-least <years>", "is the citizen at least this old?")
    .option("--resident-of <district>", "does the citizen live in this district?")
    .option("--has-credential <schema-id>", "does the citizen hold a valid credential of this schema?")
    .option("--grant <id>", "the consent relied on (default: the latest)")
    .action(
      action(async (out, options: AskOptions) =>
        out.result(await (await import("./access.js")).askPredicate(options), (r) => [`${r.result ? "YES" : "NO"}: ${r.citizen} ${r.question}`, `  verified: signed by ${r.signer}, which holds the gateway role on chain; receipt: record #${r.receipt.seq}`]),
      ),
    );

  withKeyOptions(withNodeOptions(agency.command("register").description("governor: register an agency and, per purpose, the categories it may ask for")), "governor")
    .argument("<account>", "the agency's account address")
    .requiredOption("--file <registration.json>", "names (zh-CN, en), contact, legal basis and purposes with their categories")
    .action(
      action(async (out, account: string, options: Options & { file: string }) =>
        out.result(await (await import("./register.js")).registerAgency({ ...options, account }), (r) => [
          `registered ${r.agency} (block ${r.blockNumber})`,
          ...r.purposes.map((p) => `  ${p.id}: ${p.categories.length ? p.categories.join(", ") : "withdrawn"}`),
        ]),
      ),
    );

  withKeyOptions(withNodeOptions(agency.command("challenge").description("a challenge for a citizen to sign with `imi citizen prove`")), "agency").action(
    action(async (out, options: Options) =>
      out.result(await (await import("./verify.js")).identityChallenge(options), (r) => [`challenge ${r.challenge}`, `audience  ${r.audience}`, `expires   ${isoTime(r.expiresAt)}`]),
    ),
  );

  withKeyOptions(withNodeOptions(agency.command("verify-identity").description("check a citizen's answer to your challenge (logged)")), "agency")
    .argument("<proof>", "proof file from `imi citizen prove --out`, inline JSON, or - for stdin")
    .action(
      action(async (out, proof: string, options: Options) =>
        out.result(await (await import("./verify.js")).verifyIdentity({ ...options, proof }), (r) =>
          r.verified ? `VERIFIED: ${r.citizen}${r.asGuardian ? " (by a guardian)" : ""}, assurance level ${r.level}` : `NOT VERIFIED: ${r.reason}`,
        ),
      ),
    );

  withKeyOptions(withNodeOptions(agency.command("verify-credential").description("verify a presented credential or disclosed claims (logged)")), "agency")
    .argument("<presentation>", "presentation file from `imi citizen present --out`, inline JSON, or - for stdin")
    .option("--subject <citizen>", "the citizen the credential must be about")
    .action(
      action(async (out, presentation: string, options: Options & { subject?: string }) =>
        out.result(await (await import("./verify.js")).verifyCredential({ ...options, presentation }), (r) =>
          r.valid ? [`VALID credential ${r.credentialHash}`, ...Object.entries(r.claims).map(([k, v]) => `  ${k}: ${toJson(v)}`)] : `INVALID credential ${r.credentialHash}: ${r.problems.join(", ")}`,
        ),
      ),
    );
}
