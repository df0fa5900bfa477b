// Calendar dates a person types (a birth date). JavaScript's Date.parse rolls 1950-02-30 over to
// 2 March instead of refusing it, so the day is checked against the month here.
import type { CliError } from "../CliError.js";
import { usage } from "./errors.js";

/** "YYYY-MM-DD" that names a real day, or undefined. */
export function realDay(value: string): { year: number; month: number; day: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

/**
 * Why a birth date is refused, as a usage error (INVALID_BIRTH_DATE), or undefined when it is a
 * real day, not in the future and not before 1900.
 */
export function birthDateProblem(value: unknown, now: number = Date.now()): CliError | undefined {
  const text = typeof value === "string" ? value.trim() : undefined;
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(text))
    return usage("INVALID_BIRTH_DATE", `birth date ${JSON.stringify(value)}: write it as YYYY-MM-DD, e.g. 1950-02-03`);
  const day = realDay(text);
  if (!day) return usage("INVALID_BIRTH_DATE", `birth date ${text} is not a day of the calendar (check the day and the month)`);
  if (Date.UTC(day.year, day.month - 1, day.day) > now) return usage("INVALID_BIRTH_DATE", `birth date ${text} is in the future`);
  if (day.year < 1900) return usage("INVALID_BIRTH_DATE", `birth date ${text} is before 1900; check the year`);
  return undefined;
}
