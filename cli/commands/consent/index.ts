import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions } from "../../internal/options.js";
import { isoTime, table } from "../../internal/output.js";
import type { ChangeConsentOptions, ConsentChange } from "./change.js";
import type { GrantConsentOptions } from "./grant.js";
import type { ListConsentsOptions } from "./list.js";

const signerOptions = (command: Command) =>
  withKeyOptions(withNodeOptions(command), "citizen (or guardian)")
    .option("--citizen <id>", "the identity to act for (a guardian acting for a minor); default: the key's own")
    .option("-y, --yes", "sign without showing the message and asking");

export function registerConsentCommands(program: Command): void {
  const consent = group(program, "consent", "citizens: grant, pause, resume, revoke and list consents");

  signerOptions(consent.command("grant").description("let an agency read some categories of your data for one purpose"))
    .requiredOption("--agency <address>", "the agency's address")
    .requiredOption("--scopes <categories>", "e.g. address,income (identity, birth, address, contact, health, income, family, credentials)")
    .requiredOption("--purpose <name>", "e.g. social-benefits")
    .option("--for <duration>", "how long it lasts: 30d, 12h …", "365d")
    .option("--max-uses <n>", "how many reads at most (0: unlimited)", "0")
    .action(
      action(async (out, options: GrantConsentOptions) =>
        out.result(await (await import("./grant.js")).grantConsent(options), (r) => [
          `consent ${r.consentId} granted`,
          `  ${out.verbose ? `${r.agencyName} (${r.agency})` : r.agencyName} may read ${r.categories.join(", ")} for ${r.purposeName ?? r.purpose} until ${isoTime(r.validUntil)}${r.maxUses ? `, at most ${r.maxUses} times` : ""}`,
        ]),
      ),
    );

  const changes: Array<[ConsentChange, string]> = [
    ["revoke", "withdraw a consent for good"],
    ["pause", "suspend a consent for now"],
    ["resume", "resume a paused consent"],
    ["confirm", "keep a consent your guardian granted: it no longer lapses when the guardianship ends"],
  ];
  for (const [verb, description] of changes) {
    signerOptions(consent.command(verb).description(description))
      .argument("<consent-id>")
      .action(
        action(async (out, consentId: string, options: ChangeConsentOptions) =>
          out.result(await (await import("./change.js")).changeConsent(verb, { ...options, consentId }), (r) => `consent ${r.consentId} is now ${r.status} (block ${r.blockNumber})`),
        ),
      );
  }

  withKeyOptions(withNodeOptions(consent.command("list").description("your consents and their status")), "citizen")
    .option("--citizen <id>", "the identity (default: the key's own)")
    .option("--status <list>", "only these: active, paused, revoked, expired, not yet valid, lapsed")
    .action(
      action(async (out, options: ListConsentsOptions) =>
        out.result(await (await import("./list.js")).listConsents({ ...options, verbose: out.verbose }), (r) =>
          r.consents.length === 0
            ? `no consents for ${r.citizen}`
            : table(
                ["CONSENT", "STATUS", "AGENCY", "CATEGORIES", "PURPOSE", "UNTIL", "USES"],
                r.consents.map((c) => [c.consentId, c.state, c.agencyName, c.categories.join(","), c.purposeName, isoTime(c.validUntil), c.maxUses ? `${c.uses}/${c.maxUses}` : "unlimited"]),
              ),
        ),
      ),
    );
}
