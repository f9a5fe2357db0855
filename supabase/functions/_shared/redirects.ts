// Where people may be sent back after connecting: only to the app's own pages, named in
// OAUTH_REDIRECT_ALLOWLIST. An open redirect here would hand an attacker a trusted link.

/** True when `target` is an http(s) URL under one of the comma-separated allowed origins/prefixes. */
export function isAllowedRedirect(target: string, allowlist: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (!["https:", "http:"].includes(url.protocol) || url.username || url.password) return false;
  return allowlist.split(",").map((e) => e.trim()).filter(Boolean).some((entry) => {
    let allowed: URL;
    try {
      allowed = new URL(entry);
    } catch {
      return false;
    }
    if (allowed.origin !== url.origin) return false;
    const prefix = allowed.pathname.endsWith("/") ? allowed.pathname : `${allowed.pathname}/`;
    return allowed.pathname === "/" || url.pathname === allowed.pathname || url.pathname.startsWith(prefix);
  });
}

/** `target` with the outcome added to its query string (what was there is kept). */
export function withOutcome(target: string, outcome: Record<string, string | undefined>): string {
  const url = new URL(target);
  for (const [key, value] of Object.entries(outcome)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.href;
}
