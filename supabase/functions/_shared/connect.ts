// Connecting a Microsoft 365 mailbox: the authorization code flow with PKCE, from the one-time
// state oauth-authorize stores to the sealed tokens oauth-callback keeps.
import { z } from "zod";
import { CallLog, loggingFetch } from "./call-log.ts";
import type { UserClaims } from "./auth.ts";
import { asService, asUser, sql } from "./db.ts";
import { delegatedApp, env, sealingKeys } from "./env.ts";
import { BadRequest, HttpError } from "./errors.ts";
import { OrganizationId } from "./ids.ts";
import { log } from "./log.ts";
import { requireRole } from "./membership.ts";
import {
  authorizationRequest,
  callbackError,
  GrantRefused,
  IdentityUnavailable,
  redeemCode,
} from "./oauth.ts";
import { isAllowedRedirect, withOutcome } from "./redirects.ts";
import { seal, unseal } from "./sealed.ts";
import { storeTokens } from "./token-vault.ts";

export const ConnectRequest = z.object({
  account_id: z.uuid(),
  purpose: z.enum(["read", "write"]),
  /** `account`: a mailbox for the whole account (admins); `personal`: the caller's own. */
  scope: z.enum(["account", "personal"]).default("personal"),
  organization_id: OrganizationId.optional(),
  redirect_to: z.url().max(2000),
  login_hint: z.string().max(320).optional(),
  /** `json` answers {authorize_url}; `redirect` answers 302 to it. */
  response: z.enum(["json", "redirect"]).default("json"),
});
export type ConnectRequest = z.infer<typeof ConnectRequest>;

const STATE_TTL_MINUTES = 10;

export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest))).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

/** Check who may connect what, store the one-time state, and build Microsoft's authorize URL. */
export async function startConnect(claims: UserClaims, input: ConnectRequest) {
  if (!isAllowedRedirect(input.redirect_to, env().OAUTH_REDIRECT_ALLOWLIST)) {
    throw new BadRequest(
      "redirect_to is not on the allow-list of this project (OAUTH_REDIRECT_ALLOWLIST)",
      "redirect_not_allowed",
    );
  }
  await asUser(claims, async (tx) => {
    await requireRole(
      tx,
      input.account_id,
      input.scope === "account" ? "admin" : "agent",
      input.scope === "account" ? "connect a mailbox for the account" : "connect a mailbox",
    );
    if (input.organization_id) {
      const [org] = await tx`select 1 from public.organizations
        where id = ${input.organization_id} and account_id = ${input.account_id}`;
      if (!org) {
        throw new BadRequest(
          "organization_id is not an organization of this account",
          "unknown_organization",
        );
      }
    }
  });

  const request = await authorizationRequest(delegatedApp(), input.purpose, { loginHint: input.login_hint });
  const id = crypto.randomUUID();
  const stateHash = await sha256(request.state);
  const verifier = await seal(request.codeVerifier, `oauth_states:${id}:code_verifier`, sealingKeys());
  const [{ expires_at }] = await asService((tx) =>
    tx<{ expires_at: Date }[]>`
      insert into private.oauth_states (id, state_hash, account_id, requested_by, purpose, scope, organization_id,
        code_verifier_jwe, nonce, redirect_to, expires_at)
      values (${id}, ${stateHash}, ${input.account_id}, ${claims.sub}, ${input.purpose}, ${input.scope},
        ${input.organization_id ?? null}, ${verifier}, ${request.nonce}, ${input.redirect_to},
        now() + ${`${STATE_TTL_MINUTES} minutes`}::interval)
      returning expires_at`
  );
  return { authorize_url: request.url.href, expires_at };
}

export const CallbackQuery = z.object({
  state: z.string().min(16).max(512),
  code: z.string().min(1).max(8192).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(4000).optional(),
  session_state: z.string().max(200).optional(),
});

interface StateRow {
  id: string;
  account_id: string;
  requested_by: string;
  purpose: "read" | "write";
  scope: "account" | "personal";
  organization_id: string | null;
  code_verifier_jwe: string;
  nonce: string;
  redirect_to: string;
  expired: boolean;
}

const redirect = (location: string) => new Response(null, { status: 302, headers: { Location: location } });

/**
 * Finish a connection from Microsoft's redirect. The state is consumed first (one use only);
 * after that every outcome, success or not, is a redirect back to the app saying what happened.
 */
export async function completeConnect(
  callbackUrl: URL,
  query: z.infer<typeof CallbackQuery>,
): Promise<Response> {
  const [state] = await sql()<StateRow[]>`
    update private.oauth_states set used_at = now()
    where state_hash = ${await sha256(query.state)} and used_at is null
    returning id, account_id, requested_by, purpose, scope, organization_id, code_verifier_jwe, nonce, redirect_to,
              expires_at < now() as expired`;
  if (!state) {
    throw new HttpError(
      400,
      "invalid_state",
      "this sign-in is unknown or was already completed; start connecting again",
    );
  }
  const fail = (error: string, message: string) =>
    redirect(withOutcome(state.redirect_to, { m365_connect: "error", error, error_description: message }));

  if (state.expired) {
    return fail("expired", "the sign-in took longer than 10 minutes; start connecting again");
  }
  const refused = callbackError(callbackUrl.searchParams);
  if (refused) return fail(refused.error, refused.reason);
  if (!query.code) return fail("invalid_request", "Microsoft sent no authorization code");

  // The requester must still be allowed to connect (roles can change in ten minutes).
  const [member] = await sql()<{ role: string }[]>`select role from public.account_members
    where account_id = ${state.account_id} and user_id = ${state.requested_by}`;
  const minimum = state.scope === "account" ? ["owner", "admin"] : ["owner", "admin", "agent"];
  if (!member || !minimum.includes(member.role)) {
    return fail("access_denied", "you may no longer connect mailboxes in this account");
  }

  const calls = new CallLog({ account_id: state.account_id, organization_id: state.organization_id });
  try {
    const verifier = await unseal(
      state.code_verifier_jwe,
      `oauth_states:${state.id}:code_verifier`,
      sealingKeys(),
    );
    const { user, tokens } = await redeemCode(delegatedApp(), callbackUrl, {
      state: query.state,
      codeVerifier: verifier,
      nonce: state.nonce,
    }, { signal: AbortSignal.timeout(20_000), fetch: loggingFetch(calls, "identity") });

    const connectionId = await asService(async (tx) => {
      // The token vault locks a connection's token row, then the connection: the same order here,
      // or reconnecting while a refresh runs deadlocks.
      await tx`select 1 from private.oauth_tokens t join public.m365_connections c on c.id = t.connection_id
        where c.account_id = ${state.account_id} and c.tenant_id = ${user.tenantId}
          and c.object_id = ${user.objectId} and c.purpose = ${state.purpose}
        for update of t`;
      const [connection] = await tx<{ id: string; account_id: string }[]>`
        insert into public.m365_connections as c
          (account_id, organization_id, purpose, scope, tenant_id, object_id, user_principal_name, display_name,
           granted_scopes, status, connected_by, connected_at, last_refresh_at)
        values (${state.account_id}, ${state.organization_id}, ${state.purpose}, ${state.scope}, ${user.tenantId},
          ${user.objectId}, ${user.userPrincipalName ?? null}, ${user.displayName ?? null}, ${tokens.scopes},
          'active', ${state.requested_by}, now(), now())
        on conflict (account_id, tenant_id, object_id, purpose) do update set
          organization_id = coalesce(excluded.organization_id, c.organization_id), scope = excluded.scope,
          user_principal_name = excluded.user_principal_name, display_name = excluded.display_name,
          granted_scopes = excluded.granted_scopes, status = 'active', status_reason = null, last_error = null,
          failure_count = 0, connected_by = excluded.connected_by, connected_at = now(), last_refresh_at = now()
        returning id, account_id`;
      await storeTokens(tx, connection, tokens);
      await tx`insert into public.audit_log (account_id, actor_user_id, action, target_type, target_id, details)
        values (${state.account_id}, ${state.requested_by}, 'connection.connected', 'm365_connection', ${connection.id},
          ${
        tx.json({
          purpose: state.purpose,
          scope: state.scope,
          tenant_id: user.tenantId,
          upn: user.userPrincipalName ?? null,
        })
      })`;
      return connection.id;
    });
    calls.scope.connection_id = connectionId;
    return redirect(withOutcome(state.redirect_to, {
      m365_connect: "success",
      connection_id: connectionId,
      purpose: state.purpose,
    }));
  } catch (error) {
    if (error instanceof GrantRefused) return fail(error.error, error.reason);
    if (error instanceof IdentityUnavailable) {
      return fail("temporarily_unavailable", "Microsoft could not be reached; try again");
    }
    log("error", "connect failed", { account: state.account_id, error: (error as Error).message });
    return fail("server_error", "the connection could not be saved; try again");
  } finally {
    await calls.flush(sql()).catch(() => {});
  }
}
