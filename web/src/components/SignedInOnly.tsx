import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useSignedIn, type SignedIn } from "../session.js";

/** Screens behind sign-in: without a session (a reload clears it) the person goes back to the start. */
export function SignedInOnly({ children }: { children: (me: SignedIn) => preact.ComponentChildren }) {
  const me = useSignedIn();
  const { route } = useLocation();
  useEffect(() => {
    if (!me) route("/", true);
  }, [me]);
  return me ? <>{children(me)}</> : null;
}
