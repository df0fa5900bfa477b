import { useEffect, useRef } from "preact/hooks";
import { useT } from "../i18n/index.js";

export type FieldError = { field?: string; text: string };

/** GOV.UK error summary: at the top, focused when it appears, each line a link to its field. */
export function ErrorSummary({ errors }: { errors: FieldError[] }) {
  const { t } = useT();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length) ref.current?.focus();
  }, [errors]);
  if (!errors.length) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t("keys.errorTitle")}</h2>
      <ul>
        {errors.map((e) => (
          <li key={e.text}>{e.field ? <a href={`#${e.field}`}>{e.text}</a> : e.text}</li>
        ))}
      </ul>
    </div>
  );
}

export const fieldError = (errors: FieldError[], field: string) => errors.find((e) => e.field === field)?.text;

/** The summary's lines from a form's errors by field id (a field without an error gives none). */
export const fieldErrors = (byField: Record<string, string | undefined>): FieldError[] =>
  Object.entries(byField).flatMap(([field, text]) => (text ? [{ field, text }] : []));
