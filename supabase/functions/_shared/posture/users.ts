// users: everyone in the directory (members, guests, disabled accounts), by display name, with
// their department, job title, whether the account is enabled, and whether an MFA method is
// registered. A list is replaced only by a complete one: people who left disappear with their
// details; a failed read changes nothing.
import { type Dataset, factsOf, type Organization, type Row, saveRows } from "./dataset.ts";
import { users as readUsers } from "./directory.ts";
import type { GraphReads } from "./graph-reads.ts";
import {
  prefetchRegistrations,
  REGISTRATION_UNLICENSED,
  type Registrations,
  registrations,
} from "./registration.ts";
import type { GraphUser } from "./sources.ts";
import type { Tx } from "../db.ts";

export interface UserRow {
  user_id: string;
  position: number;
  display_name: string | null;
  email: string;
  department: string | null;
  role: string | null;
  status: "Active" | "Disabled";
  mfa_enabled: boolean;
  user_principal_name: string;
  user_type: string | null;
  last_synced: Date;
}

export function userRows(people: GraphUser[], registered: Registrations, now: Date): UserRow[] {
  const name = (u: GraphUser) => u.displayName ?? u.userPrincipalName;
  return [...people]
    .sort((a, b) =>
      name(a).localeCompare(name(b), "en") || a.userPrincipalName.localeCompare(b.userPrincipalName)
    )
    .map((u, position) => ({
      user_id: u.id,
      position,
      display_name: u.displayName,
      email: u.mail ?? u.userPrincipalName,
      department: u.department,
      role: u.jobTitle,
      status: u.accountEnabled ? "Active" : "Disabled",
      mfa_enabled: registered.byUser.get(u.id)?.mfa ?? false,
      user_principal_name: u.userPrincipalName,
      user_type: u.userType,
      last_synced: now,
    }));
}

/** The people and how their methods were read (shared with user-details). */
export async function readPeople(reads: GraphReads, now: Date) {
  prefetchRegistrations(reads);
  const people = await readUsers(reads);
  const registered = await registrations(reads, people);
  return {
    rows: userRows(people, registered, now),
    people,
    registered,
    unlicensed: registered.source === "methods" ? REGISTRATION_UNLICENSED : undefined,
  };
}

const TABLE = "public.m365_users";

/** Upsert the complete list, then drop whoever is no longer in it (their details go with them). */
export async function saveUsers(tx: Tx, org: Organization, rows: UserRow[]) {
  await saveRows(tx, TABLE, org, rows as unknown as Row[], ["organization_id", "user_id"]);
  await tx`delete from ${tx(TABLE)} where organization_id = ${org.id}
    and user_id::text <> all(${rows.map((r) => r.user_id)}::text[])`;
}

export function userListItem(r: UserRow) {
  return {
    UserId: r.user_id,
    Name: r.display_name,
    Email: r.email,
    Department: r.department,
    Role: r.role,
    Status: r.status,
    MFA: r.mfa_enabled,
  };
}

export const users: Dataset<UserRow[]> = {
  name: "users",
  async compute(reads, now) {
    const { rows, unlicensed } = await readPeople(reads, now);
    return { facts: rows, rows: rows.length, unlicensed };
  },
  save: saveUsers,
  async load(tx, organizationId) {
    const rows = await tx`select * from ${
      tx(TABLE)
    } where organization_id = ${organizationId} order by position`;
    return rows.map((r) => factsOf<UserRow>(r));
  },
  view: (rows) => ({ users: rows.map(userListItem) }),
};
