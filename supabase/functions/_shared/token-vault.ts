// The token vault. Delegated tokens live sealed in private.oauth_tokens; every function that needs
// one gets it here, through one path that refreshes race-free:
//   1. this isolate's cache and single-flight (100 concurrent callers make one trip), then
//   2. the row, unlocked: a token valid for more than 5 minutes is handed out as is, else
//   3. the row locked FOR UPDATE and read again (another instance may have just refreshed it),
//      then one refresh, the rotated refresh token stored in the same transaction.
// invalid_grant marks the connection needs_reauth with the reason; an outage backs off (never a
// tight loop): the connection stays active and the next attempt waits its turn.
import { CallLog, loggingFetch } from "./call-log.ts";
import type { UserClaims } from "./auth.ts";
import { asUser, type Sql, sql, type Tx } from "./db.ts";
import { delegatedApp, env, sealingKeys } from "./env.ts";
import { NotFound, RetryLater, Unauthorized } from "./errors.ts";
import { requireRole } from "./membership.ts";
import { GrantRefused, IdentityUnavailable, refreshTokens, type TokenSet } from "./oauth.ts";
import { seal, unseal } from "./sealed.ts";

/** A token with more time left than this is handed out without a refresh. */
export const REUSE_MARGIN_MS = 5 * 60_000;
/** How long an isolate trusts its cache: a disconnect reaches every isolate within this. */
const CACHE_TTL_MS = 60_000;
/** Refresh at least this often: Microsoft refresh tokens die after 90 days unused. */
const KEEPALIVE_MS = 7 * 24 * 3600_000;
const REFRESH_TIMEOUT_MS = 15_000;

export const sealedFor = (connectionId: string, column: "access_token" | "refresh_token") =>
  `oauth_tokens:${connectionId}:${column}`;

/** When the scheduled refresh should next renew a token (REFRESH_WINDOW_HOURS before expiry). */
export function nextRefreshAt(expiresAt: Date, windowHours: number, now = new Date()): Date {
  return new Date(Math.min(expiresAt.getTime() - windowHours * 3600_000, now.getTime() + KEEPALIVE_MS));
}

/** Seal and store a connection's tokens (a refresh that returned no new refresh token keeps the old). */
export async function storeTokens(tx: Tx, connection: { id: string; account_id: string }, tokens: TokenSet) {
  const keys = sealingKeys();
  const access = await seal(tokens.accessToken, sealedFor(connection.id, "access_token"), keys);
  const refresh = tokens.refreshToken
    ? await seal(tokens.refreshToken, sealedFor(connection.id, "refresh_token"), keys)
    : null;
  const next = nextRefreshAt(tokens.expiresAt, env().REFRESH_WINDOW_HOURS);
  await tx`
    insert into private.oauth_tokens as t
      (connection_id, account_id, access_token_jwe, refresh_token_jwe, expires_at, next_refresh_at, refreshed_at)
    values (${connection.id}, ${connection.account_id}, ${access}, ${refresh}, ${tokens.expiresAt}, ${next}, now())
    on conflict (connection_id) do update set
      access_token_jwe = excluded.access_token_jwe,
      refresh_token_jwe = coalesce(excluded.refresh_token_jwe, t.refresh_token_jwe),
      expires_at = excluded.expires_at, next_refresh_at = excluded.next_refresh_at,
      refreshed_at = now(), rotation = t.rotation + 1, updated_at = now()`;
}

interface TokenRow {
  connection_id: string;
  account_id: string;
  tenant_id: string;
  status: string;
  status_reason: string | null;
  last_error: string | null;
  failure_count: number;
  access_token_jwe: string;
  refresh_token_jwe: string | null;
  expires_at: Date;
  next_refresh_at: Date;
  refreshed_at: Date | null;
}

/**
 * What the caller wants: a usable token (`usable`), the scheduled refresh (`due`: only if the
 * schedule says so), or a token refreshed after a moment (`fresh`: an admin's "refresh now").
 */
export type Want = { kind: "usable" } | { kind: "due" } | { kind: "fresh"; since: Date };

/** Whether `row` must be refreshed to satisfy `want` (pure; the lock decides who does it). */
export function mustRefresh(
  row: Pick<TokenRow, "expires_at" | "next_refresh_at" | "refreshed_at">,
  want: Want,
  now = new Date(),
): boolean {
  switch (want.kind) {
    case "usable":
      return row.expires_at.getTime() - now.getTime() <= REUSE_MARGIN_MS;
    case "due":
      return row.next_refresh_at <= now;
    case "fresh":
      return !row.refreshed_at || row.refreshed_at < want.since;
  }
}

async function readRow(q: Sql | Tx, connectionId: string, lock: boolean): Promise<TokenRow | undefined> {
  const [row] = await q<TokenRow[]>`
    select t.connection_id, t.account_id, c.tenant_id, c.status, c.status_reason, c.last_error, c.failure_count,
           t.access_token_jwe, t.refresh_token_jwe, t.expires_at, t.next_refresh_at, t.refreshed_at
    from private.oauth_tokens t join public.m365_connections c on c.id = t.connection_id
    where t.connection_id = ${connectionId} ${lock ? q`for update of t` : q``}`;
  return row;
}

function refuseInactive(row: TokenRow): Error | undefined {
  if (row.status === "active") return undefined;
  const reason = row.status_reason ? `: ${row.status_reason}` : "";
  return new Unauthorized(
    `the Microsoft 365 connection needs to be authorized again${reason}`,
    "connection_needs_reauth",
  );
}

const cache = new Map<string, { token: string; expiresAt: number; cachedUntil: number }>();
const inFlight = new Map<string, Promise<string>>();

/** Drop this isolate's cached token (after a disconnect). */
export function forgetToken(connectionId: string) {
  cache.delete(connectionId);
}

/** A Graph access token for a delegated connection. */
export function connectionToken(connectionId: string, want: Want = { kind: "usable" }): Promise<string> {
  const now = Date.now();
  const hit = cache.get(connectionId);
  if (want.kind === "usable" && hit && hit.cachedUntil > now && hit.expiresAt - now > REUSE_MARGIN_MS) {
    return Promise.resolve(hit.token);
  }
  const key = `${connectionId}:${want.kind}`;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = resolveToken(connectionId, want).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

function remember(connectionId: string, token: string, expiresAt: Date): string {
  cache.set(connectionId, { token, expiresAt: expiresAt.getTime(), cachedUntil: Date.now() + CACHE_TTL_MS });
  return token;
}

async function resolveToken(connectionId: string, want: Want): Promise<string> {
  const row = await readRow(sql(), connectionId, false);
  if (!row) throw new NotFound("no such Microsoft 365 connection, or it has no tokens");
  const inactive = refuseInactive(row);
  if (inactive) throw inactive;
  if (!mustRefresh(row, want)) {
    const token = await unseal(row.access_token_jwe, sealedFor(connectionId, "access_token"), sealingKeys());
    return remember(connectionId, token, row.expires_at);
  }
  return await refreshLocked(connectionId, want);
}

async function refreshLocked(connectionId: string, want: Want): Promise<string> {
  const log = new CallLog({ account_id: "", connection_id: connectionId });
  const outcome = await sql().begin(
    async (tx): Promise<{ token: string; expiresAt: Date } | { error: Error }> => {
      await tx`set local lock_timeout = '30s'`;
      const row = await readRow(tx, connectionId, true);
      if (!row) return { error: new NotFound("no such Microsoft 365 connection, or it has no tokens") };
      log.scope.account_id = row.account_id;
      const inactive = refuseInactive(row);
      if (inactive) return { error: inactive };

      const current = async () => ({
        token: await unseal(row.access_token_jwe, sealedFor(connectionId, "access_token"), sealingKeys()),
        expiresAt: row.expires_at,
      });
      // Someone refreshed while we waited for the lock, or the schedule is not due after all.
      if (!mustRefresh(row, want)) return await current();
      // Backing off after a failure: hand out the old token while it lasts, else say when to return.
      if (row.failure_count > 0 && row.next_refresh_at > new Date() && want.kind !== "fresh") {
        if (row.expires_at > new Date()) return await current();
        const wait = Math.ceil((row.next_refresh_at.getTime() - Date.now()) / 1000);
        return {
          error: new RetryLater(`token refresh is backing off after: ${row.last_error ?? "an error"}`, wait),
        };
      }
      if (!row.refresh_token_jwe) {
        await markNeedsReauth(tx, row, "there is no refresh token (offline_access was not granted)", null);
        return {
          error: new Unauthorized(
            "the Microsoft 365 connection needs to be authorized again",
            "connection_needs_reauth",
          ),
        };
      }

      try {
        const refreshToken = await unseal(
          row.refresh_token_jwe,
          sealedFor(connectionId, "refresh_token"),
          sealingKeys(),
        );
        const tokens = await refreshTokens(delegatedApp(), row.tenant_id, refreshToken, {
          signal: AbortSignal.timeout(REFRESH_TIMEOUT_MS),
          fetch: loggingFetch(log, "identity"),
        });
        await storeTokens(tx, { id: connectionId, account_id: row.account_id }, tokens);
        await tx`update public.m365_connections
        set last_refresh_at = now(), failure_count = 0, last_error = null, status_reason = null
        where id = ${connectionId}`;
        return { token: tokens.accessToken, expiresAt: tokens.expiresAt };
      } catch (error) {
        if (error instanceof GrantRefused) {
          await markNeedsReauth(
            tx,
            row,
            error.reason,
            `${error.error}${error.aadsts ? ` (AADSTS${error.aadsts})` : ""}`,
          );
          return {
            error: new Unauthorized(
              `the Microsoft 365 connection needs to be authorized again: ${error.reason}`,
              "connection_needs_reauth",
            ),
          };
        }
        if (error instanceof IdentityUnavailable) {
          const [{ next }] = await tx`
          update private.oauth_tokens set next_refresh_at = now() + private.job_backoff(${
            row.failure_count + 1
          })
          where connection_id = ${connectionId} returning next_refresh_at as next`;
          await tx`update public.m365_connections set failure_count = failure_count + 1, last_error = ${error.message}
          where id = ${connectionId}`;
          if (row.expires_at > new Date() && want.kind !== "fresh") return await current();
          const wait = error.retryAfterSeconds ?? Math.ceil((next.getTime() - Date.now()) / 1000);
          return { error: new RetryLater(`token refresh failed: ${error.message}`, wait) };
        }
        throw error;
      }
    },
  );
  if (log.scope.account_id) await log.flush(sql()).catch(() => {}); // monitoring must not fail the caller
  if ("error" in outcome) {
    if (outcome.error instanceof Unauthorized) forgetToken(connectionId);
    throw outcome.error;
  }
  return remember(connectionId, outcome.token, outcome.expiresAt);
}

async function markNeedsReauth(tx: Tx, row: TokenRow, reason: string, code: string | null) {
  await tx`update public.m365_connections
    set status = 'needs_reauth', status_reason = ${reason}, last_error = ${code ?? reason},
        failure_count = failure_count + 1
    where id = ${row.connection_id}`;
  // Nothing left to schedule until someone connects again.
  await tx`update private.oauth_tokens set next_refresh_at = 'infinity' where connection_id = ${row.connection_id}`;
  await tx`insert into public.audit_log (account_id, action, target_type, target_id, details)
    values (${row.account_id}, 'connection.needs_reauth', 'm365_connection', ${row.connection_id},
            ${tx.json({ reason, error: code })})`;
}

/** The scheduled refresh of one connection (a `refresh-token` job): refresh if due, and say how it went. */
export async function refreshIfDue(connectionId: string): Promise<{ done: unknown }> {
  try {
    await connectionToken(connectionId, { kind: "due" });
    return { done: { connection_id: connectionId, status: "active" } };
  } catch (error) {
    // Nothing a retry can fix: the person must reconnect, or the connection is gone.
    if (error instanceof Unauthorized || error instanceof NotFound) {
      return { done: { connection_id: connectionId, status: "needs_attention", reason: error.message } };
    }
    throw error; // RetryLater: the job comes back when Microsoft may answer again
  }
}

/** An admin's "refresh now" for one connection. Answers the new timing, never the token. */
export async function refreshNow(claims: UserClaims, connectionId: string) {
  await asUser(claims, async (tx) => {
    const [connection] = await tx<{ account_id: string }[]>`
      select account_id from public.m365_connections where id = ${connectionId}`;
    if (!connection) throw new NotFound("no such connection");
    await requireRole(tx, connection.account_id, "admin", "refresh a connection");
  });
  await connectionToken(connectionId, { kind: "fresh", since: new Date() });
  const [timing] = await sql()<{ expires_at: Date; refreshed_at: Date }[]>`
    select expires_at, refreshed_at from private.oauth_tokens where connection_id = ${connectionId}`;
  return {
    connection_id: connectionId,
    token_expires_at: timing.expires_at,
    refreshed_at: timing.refreshed_at,
  };
}
