// What the caller may do in an account: their role, read as themselves (RLS lets members see
// their account's member list, and nothing else).
import type { Tx } from "./db.ts";
import { Forbidden, NotFound } from "./errors.ts";

export type Role = "owner" | "admin" | "agent" | "viewer";
const RANK: Record<Role, number> = { owner: 4, admin: 3, agent: 2, viewer: 1 };

export function atLeast(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

/** The caller's role in `accountId`; 404 when they are not a member (as if it did not exist). */
export async function roleIn(tx: Tx, accountId: string): Promise<Role> {
  const [member] = await tx<{ role: Role }[]>`
    select role from public.account_members where account_id = ${accountId} and user_id = (select auth.uid())`;
  if (!member) throw new NotFound("no such account");
  return member.role;
}

/** Refuse unless the caller holds at least `min` in the account. */
export async function requireRole(tx: Tx, accountId: string, min: Role, doing: string): Promise<Role> {
  const role = await roleIn(tx, accountId);
  if (!atLeast(role, min)) throw new Forbidden(`only an ${min} or above may ${doing} (you are ${role})`);
  return role;
}
