import type { ComponentChildren } from "preact";
import { useT } from "../../i18n/index.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import type { SignedIn } from "../../session.js";
import { useActingFor, type RepresentedEnterprise } from "./acting.js";

/** The enterprise's screens: signed in and acting for an enterprise; otherwise a page that says to choose one first. */
export function ActingOnly({ title, children }: { title: string; children: (me: SignedIn, acting: RepresentedEnterprise) => ComponentChildren }) {
  return <SignedInOnly>{(me) => <Acting me={me} title={title} render={children} />}</SignedInOnly>;
}

function Acting({ me, title, render }: { me: SignedIn; title: string; render: (me: SignedIn, acting: RepresentedEnterprise) => ComponentChildren }) {
  const { t } = useT();
  const acting = useActingFor();
  if (acting) return <>{render(me, acting)}</>;
  return (
    <main id="main" tabIndex={-1}>
      <h1>{title}</h1>
      <p>{t("enterprise.chooseFirst")}</p>
      <p>
        <a href="/enterprise">{t("enterprise.title")}</a>
      </p>
    </main>
  );
}

/** The error summary at the top of a screen, in words (the code's text in the person's language). */
export function ErrorLine({ text }: { text?: string }) {
  return text ? (
    <p class="error-summary" role="alert">
      {text}
    </p>
  ) : null;
}
