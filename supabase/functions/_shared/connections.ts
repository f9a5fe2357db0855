// An account's delegated connections as people see them: health without secrets, and
// disconnecting (tokens deleted, connection marked revoked, an audit entry).
import { z } from "zod";
import type { UserClaims } from "./auth.ts";
import { asService, asUser } from "./db.ts";
import { Forbidden, NotFound } from "./errors.ts";
import { forgetToken } from "./token-vault.ts";

export const ListQuery = z.object({ account_id: z.uuid().optional() });
export const ConnectionRef = z.object({ connection_id: z.uuid() });

export interface ConnectionHealth {
  id: string;
  account_id: string;
  organization_id: string | null;
  purpose: string;
  scope: string;
  tenant_id: string;
  user_principal_name: string | null;
  display_name: string | null;
  granted_scopes: string[];
  status: string;
  status_reason: string | null;
  last_refresh_at: Date | null;
  last_error: string | null;
  failure_count: number;
  connected_by: string | null;
  connected_at: Date;
  token_expires_at: Date | null;
  next_refresh_at: Date | null;
  healthy: boolean;
}

/** The connections the caller may see (RLS decides), with their token's timing. */
export async function listConnections(claims: UserClaims, accountId?: string): Promise<ConnectionHealth[]> {
  const rows = await asUser(
    claims,
    (tx) =>
      tx<Omit<ConnectionHealth, "token_expires_at" | "next_refresh_at" | "healthy">[]>`
      select id, account_id, organization_id, purpose, scope, tenant_id, user_principal_name, display_name,
             granted_scopes, status, status_reason, last_refresh_at, last_error, failure_count, connected_by,
             connected_at
      from public.m365_connections
      where ${accountId ? tx`account_id = ${accountId}` : tx`true`}
      order by connected_at desc`,
  );
  if (rows.length === 0) return [];
  const timing = await asService((tx) =>
    tx<{ connection_id: string; expires_at: Date; next_refresh_at: Date }[]>`
      select connection_id, expires_at, next_refresh_at from private.oauth_tokens
      where connection_id = any(${rows.map((r) => r.id)}::uuid[])`
  );
  const byId = new Map(timing.map((t) => [t.connection_id, t]));
  return rows.map((row) => {
    const t = byId.get(row.id);
    return {
      ...row,
      token_expires_at: t?.expires_at ?? null,
      next_refresh_at: t && Number.isFinite(t.next_refresh_at.getTime()) ? t.next_refresh_at : null,
      healthy: row.status === "active" && t !== undefined && row.failure_count === 0,
    };
  });
}

/** Disconnect: only an admin, or the person who connected it. */
export async function disconnect(claims: UserClaims, connectionId: string) {
  const connection = await asUser(claims, async (tx) => {
    const [visible] = await tx<
      { id: string }[]
    >`select id from public.m365_connections where id = ${connectionId}`;
    if (!visible) throw new NotFound("no such connection");
    const [changed] = await tx<{ account_id: string }[]>`
      update public.m365_connections
      set status = 'revoked', status_reason = ${`disconnected by ${claims.email ?? claims.sub}`}
      where id = ${connectionId} returning account_id`;
    if (!changed) throw new Forbidden("only an admin or the person who connected it may disconnect it");
    return changed;
  });
  await asService(async (tx) => {
    await tx`delete from private.oauth_tokens where connection_id = ${connectionId}`;
    await tx`insert into public.audit_log (account_id, actor_user_id, action, target_type, target_id)
      values (${connection.account_id}, ${claims.sub}, 'connection.disconnected', 'm365_connection', ${connectionId})`;
  });
  forgetToken(connectionId);
  return { connection_id: connectionId, status: "revoked" };
}
