import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions } from "../../internal/connect.js";
import { toJson } from "../../internal/output.js";
import { table } from "../../internal/output.js";
import { createKeys, type CreateKeysOptions } from "../keys/create.js";
import { accessHistory, type AccessHistoryOptions } from "./history.js";
import { presentCredentialFile, type PresentCredentialOptions } from "./present.js";
import { proveIdentity, type ProveIdentityOptions } from "./prove.js";

export function registerCitizenCommands(program: Command): void {
  const keys = group(program, "keys", "a citizen's own key");
  keys
    .command("create")
    .description("create a key in an encrypted keystore file (password: IMI_KEYSTORE_PASSWORD or a prompt)")
    .requiredOption("--out <file>", "keystore file to write (0600)")
    .option("--force", "overwrite an existing file")
    .action(action(async (out, options: CreateKeysOptions) => out.result(await createKeys(options), (r) => [`new key ${r.address} in ${r.file}`, "  give the registrar this address; keep the file and its password safe"])));

  const citizen = group(program, "citizen", "citizens: access history, identity proofs, credential presentations");
  withKeyOptions(withNodeOptions(citizen.command("history").description("who accessed your data, when, why, with what answer, and whether it is anchored")), "citizen's")
    .option("--citizen <id>", "the identity (a guardian acting for a minor)")
    .option("--limit <n>", "at most this many records", "100")
    .option("--after <seq>", "only records after this sequence number")
    .action(
      action(async (out, options: AccessHistoryOptions) =>
        out.result(await accessHistory(options), (r) =>
          r.records.length === 0
            ? `no accesses to ${r.citizen} yet`
            : table(
                ["SEQ", "TIME", "AGENCY", "KIND", "CATEGORIES", "DECISION", "REASON", "PROOF"],
                r.records.map((x) => [String(x.seq), new Date(x.time).toISOString(), x.agency, x.kind, x.categories.join(",") || "-", x.decision, x.reason, x.proof]),
              ),
        ),
      ),
    );
  withKeyOptions(withNodeOptions(citizen.command("prove").description("answer a verifier's challenge: prove you control your identity")), "citizen's")
    .requiredOption("--challenge <hex>", "the verifier's challenge")
    .requiredOption("--audience <name>", "the verifier's name, exactly as it gave it")
    .option("--citizen <id>", "the identity (a guardian acting for a minor)")
    .option("--out <file>", "also write the proof to a file")
    .action(action(async (out, options: ProveIdentityOptions) => out.result(await proveIdentity(options), (r) => (r.file ? `proof written to ${r.file}` : toJson(r.proof)))));
  citizen
    .command("present")
    .description("show only some claims of a credential (selective disclosure)")
    .argument("<credential>", "the credential file")
    .requiredOption("--disclose <claims>", "claims to show, e.g. age_over_65")
    .option("--out <file>", "write the presentation to a file")
    .action(
      action(async (out, credential: string, options: PresentCredentialOptions) =>
        out.result(await presentCredentialFile({ ...options, credential }), (r) => (r.file ? `presentation of ${r.disclosed.join(", ")} written to ${r.file}` : toJson(r.presentation))),
      ),
    );
}
