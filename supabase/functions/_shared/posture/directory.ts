// The tenant's people as the datasets share them: the user list, who is in which group (nesting
// resolved), who holds which role, and each person's legacy per-user MFA state.
import { required, SourceFailed } from "./failures.ts";
import type { GraphReads } from "./graph-reads.ts";
import {
  type GraphUser,
  groupMembersOf,
  GROUPS,
  perUserMfaOf,
  read,
  ROLE_ASSIGNMENTS,
  USERS,
} from "./sources.ts";

/** Everyone in the directory. A tenant always has someone: an empty list is not believed. */
export async function users(reads: GraphReads): Promise<GraphUser[]> {
  const everyone = required(await read(reads, USERS));
  if (!everyone.length) {
    throw new SourceFailed({
      status: "error",
      message: "/users: Graph listed no users; the previous data is kept",
    });
  }
  return everyone;
}

/** Enabled member accounts: the people posture percentages are about (not guests, not disabled
 * accounts such as shared mailboxes and rooms). */
export function isEnabledMember(user: GraphUser): boolean {
  return user.accountEnabled && (user.userType ?? "Member").toLowerCase() === "member";
}

/** For each user, the ids of the groups (of `groupIds`) they are in, directly or through nesting. */
export async function groupsOfUsers(
  reads: GraphReads,
  groupIds: string[],
): Promise<Map<string, Set<string>>> {
  const members = await Promise.all(groupIds.map(async (id) => ({
    id,
    members: required(await read(reads, groupMembersOf(id))),
  })));
  const byUser = new Map<string, Set<string>>();
  for (const group of members) {
    for (const m of group.members) byUser.set(m.id, (byUser.get(m.id) ?? new Set()).add(group.id));
  }
  return byUser;
}

/** Every group of the tenant with its display name. */
export async function allGroups(reads: GraphReads) {
  return required(await read(reads, GROUPS));
}

/** For each user, the role (template) ids assigned to them. */
export async function rolesOfUsers(reads: GraphReads): Promise<Map<string, Set<string>>> {
  const byUser = new Map<string, Set<string>>();
  for (const a of required(await read(reads, ROLE_ASSIGNMENTS))) {
    byUser.set(a.principalId, (byUser.get(a.principalId) ?? new Set()).add(a.roleDefinitionId));
  }
  return byUser;
}

export type PerUserMfaState = "disabled" | "enabled" | "enforced";

/** Legacy per-user MFA state per user (one /beta read each: Graph has no list of it). */
export async function perUserMfa(
  reads: GraphReads,
  people: GraphUser[],
): Promise<Map<string, PerUserMfaState>> {
  const states = await Promise.all(people.map(async (u) => {
    const { perUserMfaState } = required(await read(reads, perUserMfaOf(u.id)));
    return [u.id, perUserMfaState] as const;
  }));
  return new Map(states);
}
