// Groups: a security group per department, an "All Staff" Microsoft 365 group, and the tenant's
// conditional-access groups (catalogue/groups.json), some nested. Membership queries resolve
// nesting here, so /members, /transitiveMembers, memberOf and conditional access agree.
import type { Random } from "../../core/random.ts";
import { DEPARTMENTS } from "../../world/names.ts";
import type { Tenant, User } from "../../world/types.ts";
import type { GroupPlan } from "../catalogue/groups.ts";
import type { PostureGroup } from "../state.ts";

const DAY = 86_400_000;

export function buildGroups(
  tenant: Tenant,
  plans: GroupPlan[],
  random: Random,
  epoch: number,
): PostureGroup[] {
  const members = tenant.users.filter((u) => u.kind === "member");
  const group = (key: string, displayName: string, description: string, memberUserIds: string[]) => ({
    id: random.uuid(),
    key,
    displayName,
    description,
    mailNickname: displayName.replace(/[^A-Za-z0-9]/g, ""),
    unified: false,
    isAssignableToRole: false,
    createdDateTime: epoch - random.int(60, 1200) * DAY,
    memberUserIds,
    memberGroupIds: [] as string[],
  });
  const groups: PostureGroup[] = DEPARTMENTS
    .map((dept) =>
      group(`dept:${dept}`, dept, `${dept} department`, ids(members, (u) => u.graph.department === dept))
    )
    .filter((g) => g.memberUserIds.length > 0);
  groups.push({
    ...group("allStaff", "All Staff", "Everyone at the company", ids(members, (u) => u.licensed)),
    unified: true,
  });
  for (const plan of plans) {
    const g = group(plan.key, plan.displayName, plan.description, chooseMembers(plan, members, random));
    g.isAssignableToRole = plan.isAssignableToRole;
    g.memberGroupIds = plan.memberGroups.map((key) => groups.find((x) => x.key === key)?.id)
      .filter((id): id is string => id !== undefined);
    groups.push(g);
  }
  return groups;
}

function ids(users: User[], keep: (u: User) => boolean): string[] {
  return users.filter(keep).map((u) => u.id);
}

function chooseMembers(plan: GroupPlan, members: User[], random: Random): string[] {
  const m = plan.members;
  if (m.rule === "admins") return ids(members, (u) => u.roles.length > 0);
  if (m.rule === "none") return [];
  const candidates = members.filter((u) =>
    u.licensed && u.graph.accountEnabled && u.roles.length === 0 && u.graph.department !== m.excludeDepartment
  );
  return random.shuffle(candidates).slice(0, m.count).map((u) => u.id);
}

/** Who is in which group, nesting resolved: the directory's view conditional access evaluates. */
export class Membership {
  readonly #byId: Map<string, PostureGroup>;
  readonly #parents = new Map<string, string[]>();

  constructor(readonly groups: readonly PostureGroup[]) {
    this.#byId = new Map(groups.map((g) => [g.id, g]));
    for (const g of groups) {
      for (const child of [...g.memberUserIds, ...g.memberGroupIds]) {
        this.#parents.set(child, [...(this.#parents.get(child) ?? []), g.id]);
      }
    }
  }

  group(id: string): PostureGroup | undefined {
    return this.#byId.get(id);
  }

  /** Groups the object (user or group) is a direct member of. */
  directParents(objectId: string): PostureGroup[] {
    return (this.#parents.get(objectId) ?? []).map((id) => this.#byId.get(id)!);
  }

  /** Every group that contains the object, directly or through nested groups. */
  transitiveParents(objectId: string): PostureGroup[] {
    const seen = new Set<string>();
    const walk = (id: string) => {
      for (const parent of this.#parents.get(id) ?? []) {
        if (!seen.has(parent)) {
          seen.add(parent);
          walk(parent);
        }
      }
    };
    walk(objectId);
    return [...seen].map((id) => this.#byId.get(id)!);
  }

  /** Users and groups below a group, nesting flattened (Graph's transitiveMembers). */
  transitiveMembers(groupId: string): { userIds: string[]; groupIds: string[] } {
    const userIds = new Set<string>();
    const groupIds = new Set<string>();
    const walk = (id: string) => {
      const g = this.#byId.get(id);
      if (!g) return;
      for (const u of g.memberUserIds) userIds.add(u);
      for (const child of g.memberGroupIds) {
        if (!groupIds.has(child)) {
          groupIds.add(child);
          walk(child);
        }
      }
    };
    walk(groupId);
    return { userIds: [...userIds], groupIds: [...groupIds] };
  }
}

const memberships = new WeakMap<readonly PostureGroup[], Membership>();

/** The membership index of a tenant's groups, built once per group list. */
export function membershipOf(groups: readonly PostureGroup[]): Membership {
  let m = memberships.get(groups);
  if (!m) memberships.set(groups, m = new Membership(groups));
  return m;
}
