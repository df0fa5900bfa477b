import type { Address, Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { realDay } from "../../internal/dates.js";
import { usage } from "../../internal/errors.js";
import { address, bytes32, scopes as parseScopes, time } from "../../internal/parse.js";

export type AddGuardianOptions = NodeOptions & KeyOptions & { citizen: string; guardian: string; scopes: string; until: string };
export type AddGuardianResult = { citizen: Hex; guardian: Address; scopes: string; expiresAt: number; txHash: Hex };

/** A registrar appoints a guardian for a citizen who cannot act (a minor, a ward), over some categories until a date. */
export async function addGuardian(options: AddGuardianOptions): Promise<AddGuardianResult> {
  const citizen = bytes32("<citizen>", options.citizen);
  const guardian = address("<guardian>", options.guardian);
  const scopes = parseScopes(options.scopes);
  if (options.until === undefined) throw usage("INVALID_TIME", "--until: give the date the guardianship ends (for a minor: the 18th birthday)");
  // Date.parse would roll 2030-02-30 over to 2 March: a guardianship must end on a real day.
  const day = /^(\d{4}-\d{2}-\d{2})(T|$)/.exec(options.until.trim());
  if (day && !realDay(day[1]!)) throw usage("INVALID_TIME", `--until: ${day[1]} is not a day of the calendar (check the day and the month)`);
  const expiresAt = Math.floor(time("--until", options.until) / 1000);
  if (expiresAt * 1000 <= Date.now()) throw usage("INVALID_TIME", "--until: must be in the future");
  const node = await connect(options);
  const client = node.client(await loadKey(options));
  const { hash } = await client.identity.addGuardian({ citizen, guardian, scopes, expiresAt, by: "registrar" });
  return { citizen, guardian, scopes: scopes.toString(), expiresAt, txHash: hash };
}
