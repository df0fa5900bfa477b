// Where to go after signing in, when a link (an agency's consent request) was opened before the
// person signed in. Kept for this tab only (sessionStorage) and used once.
const KEY = "imi.returnTo";

export function rememberReturnPath(path: string): void {
  try {
    sessionStorage.setItem(KEY, path);
  } catch {
    // Storage blocked: after signing in the person opens the link again.
  }
}

/** The remembered path (same-origin paths only), cleared as it is read. */
export function takeReturnPath(): string | undefined {
  try {
    const path = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    return path && path.startsWith("/") && !path.startsWith("//") ? path : undefined;
  } catch {
    return undefined;
  }
}
