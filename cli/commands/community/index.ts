import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions } from "../../internal/options.js";
import type { AttestOptions } from "./attest.js";

export function registerCommunityCommands(program: Command): void {
  const community = group(program, "community", "community trust (共享社区): endorsed yes/no facts residents share with neighbours");

  withKeyOptions(withNodeOptions(community.command("attest").description("endorse a yes/no fact about a resident (attester key); only its salted commitment goes on chain")), "attester")
    .requiredOption("--subject <id>", "the resident's identity id")
    .requiredOption("--fact <name>", "stableEmployment | noCriminalRecord | partyMember | registeredVolunteer")
    .requiredOption("--value <yes|no>", "the answer")
    .option("--until <date>", "end (ISO date; default no end)")
    .action(action(async (out, options: AttestOptions) => out.result(await (await import("./attest.js")).attest(options), (r) => `fact ${r.uid} (${r.fact}: ${r.value ? "yes" : "no"}) attested for ${r.resident}; opening handed to the gateway`)));
}
