// The pure rules behind connecting and refreshing: redirect allow-list, refresh timing, scopes,
// and how identity-platform errors are read.
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { missingScopes } from "../supabase/functions/_shared/mailbox-probe.ts";
import {
  callbackError,
  classifyTokenError,
  GrantRefused,
  IdentityUnavailable,
} from "../supabase/functions/_shared/oauth.ts";
import { isAllowedRedirect, withOutcome } from "../supabase/functions/_shared/redirects.ts";
import { mustRefresh, nextRefreshAt, REUSE_MARGIN_MS } from "../supabase/functions/_shared/token-vault.ts";

Deno.test("redirect_to must be under an allowed origin or path prefix", () => {
  const allow = "https://app.example.com, http://localhost:3000/settings";
  const cases: [string, boolean][] = [
    ["https://app.example.com/integrations?tab=m365", true],
    ["https://app.example.com", true],
    ["http://localhost:3000/settings", true],
    ["http://localhost:3000/settings/m365", true],
    ["http://localhost:3000/settingsevil", false],
    ["http://localhost:3000/", false],
    ["https://app.example.com.evil.test/", false],
    ["https://evil.test/?next=https://app.example.com", false],
    ["https://user:pass@app.example.com/", false],
    ["http://app.example.com/", false], // scheme is part of the origin
    ["javascript:alert(1)", false],
    ["//app.example.com/", false],
    ["not a url", false],
  ];
  for (const [target, expected] of cases) assert.equal(isAllowedRedirect(target, allow), expected, target);
  assert.equal(
    isAllowedRedirect("https://app.example.com/", ""),
    false,
    "an empty allow-list allows nothing",
  );
});

Deno.test("the outcome is added to redirect_to, keeping its own query", () => {
  assert.equal(
    withOutcome("https://app.example.com/s?tab=m365", {
      m365_connect: "error",
      error: "access_denied",
      x: undefined,
    }),
    "https://app.example.com/s?tab=m365&m365_connect=error&error=access_denied",
  );
});

Deno.test("refresh timing: a token is reused with more than 5 minutes left", () => {
  const now = new Date("2026-11-22T12:00:00Z");
  const row = (expiresInMs: number, nextInMs = 3600_000, refreshedAgoMs = 600_000) => ({
    expires_at: new Date(now.getTime() + expiresInMs),
    next_refresh_at: new Date(now.getTime() + nextInMs),
    refreshed_at: new Date(now.getTime() - refreshedAgoMs),
  });
  assert.equal(mustRefresh(row(REUSE_MARGIN_MS + 1000), { kind: "usable" }, now), false);
  assert.equal(mustRefresh(row(REUSE_MARGIN_MS - 1000), { kind: "usable" }, now), true);
  assert.equal(mustRefresh(row(-1000), { kind: "usable" }, now), true);
  assert.equal(mustRefresh(row(3600_000, -1), { kind: "due" }, now), true);
  assert.equal(mustRefresh(row(3600_000, 60_000), { kind: "due" }, now), false);
  assert.equal(mustRefresh(row(3600_000, 0, 1000), { kind: "fresh", since: now }, now), true);
  assert.equal(
    mustRefresh(row(3600_000, 0, -1000), { kind: "fresh", since: now }, now),
    false,
    "refreshed after the admin asked: not again",
  );
});

Deno.test("the scheduled refresh comes REFRESH_WINDOW_HOURS before expiry, and at least weekly", () => {
  const now = new Date("2026-11-22T12:00:00Z");
  const hour = 3600_000;
  assert.equal(
    nextRefreshAt(new Date(now.getTime() + hour), 24, now).getTime(),
    now.getTime() - 23 * hour,
    "a 1-hour Microsoft token is always within a 24-hour window: every hourly run renews it",
  );
  assert.equal(
    nextRefreshAt(new Date(now.getTime() + 90 * 24 * hour), 24, now).getTime(),
    now.getTime() + 7 * 24 * hour,
    "a long-lived token is still renewed weekly (refresh tokens die after 90 days unused)",
  );
  assert.equal(nextRefreshAt(new Date(now.getTime() + 3 * hour), 1, now).getTime(), now.getTime() + 2 * hour);
});

Deno.test("scopes Microsoft never echoes are not missing; others are, case-insensitively", () => {
  assert.deepEqual(
    missingScopes("read", ["User.Read", "mail.read", "Mail.Read.Shared", "MailboxSettings.Read"]),
    [],
  );
  assert.deepEqual(missingScopes("write", ["User.Read", "Mail.ReadWrite", "Mail.Send"]), [
    "Mail.ReadWrite.Shared",
    "Mail.Send.Shared",
  ]);
});

function bodyError(status: number, body: Record<string, unknown>, headers: HeadersInit = {}) {
  return new oauth.ResponseBodyError("token endpoint error", {
    cause: body as never,
    response: new Response(JSON.stringify(body), { status, headers }),
  });
}

Deno.test("identity errors: invalid_grant and friends are for good, outages are for later", () => {
  const expired = classifyTokenError(bodyError(400, { error: "invalid_grant", error_codes: [700082] }));
  assert.ok(expired instanceof GrantRefused);
  assert.equal(expired.reason, "the refresh token expired after 90 days without use");
  const revoked = classifyTokenError(bodyError(400, {
    error: "invalid_grant",
    error_description: "AADSTS50173: The provided grant has expired due to it being revoked",
  }));
  assert.ok(revoked instanceof GrantRefused);
  assert.equal(revoked.aadsts, 50173);
  const badSecret = classifyTokenError(bodyError(401, { error: "invalid_client", error_codes: [7000215] }));
  assert.ok(badSecret instanceof GrantRefused);
  assert.equal(badSecret.status, 401);
  const down = classifyTokenError(
    bodyError(503, { error: "temporarily_unavailable" }, { "retry-after": "7" }),
  );
  assert.ok(down instanceof IdentityUnavailable);
  assert.equal(down.retryAfterSeconds, 7);
  assert.ok(classifyTokenError(new TypeError("connection refused")) instanceof IdentityUnavailable);
});

Deno.test("Microsoft's error redirects become clear reasons", () => {
  assert.equal(
    callbackError(new URLSearchParams("error=access_denied&state=s"))?.reason,
    "the user declined to connect",
  );
  assert.equal(
    callbackError(
      new URLSearchParams("error=consent_required&error_description=AADSTS65001%3A+not+consented"),
    )?.reason,
    "an administrator must consent to the app first",
  );
  assert.equal(callbackError(new URLSearchParams("code=abc&state=s")), undefined);
});
