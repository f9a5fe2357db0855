// Groups and memberships: GET /groups, /groups/{id}, /groups/{id}/members and transitiveMembers,
// /users/{id}/memberOf and transitiveMemberOf (groups plus activated directory roles).
import { endpoint, type EndpointContext } from "../../graph/endpoint.ts";
import { userNotFound } from "../../graph/errors.ts";
import { DIRECTORY } from "../../graph/workloads.ts";
import { membershipOf } from "../world/groups.ts";
import type { PostureGroup } from "../state.ts";
import { collection, DIRECTORY_PAGE, entity } from "./collections.ts";
import { posture } from "./context.ts";
import {
  type DirectoryObject,
  directoryObjectPayload,
  groupPayload,
  mixedSelect,
} from "./directory-objects.ts";

const GROUP_READ = {
  delegated: ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All", "Group.ReadWrite.All"],
  application: [
    "GroupMember.Read.All",
    "Group.Read.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
};

const MEMBER_OF_READ = {
  delegated: ["User.Read", "GroupMember.Read.All", "Directory.Read.All"],
  delegatedOthers: ["GroupMember.Read.All", "Directory.Read.All"],
  application: [
    "User.Read.All",
    "GroupMember.Read.All",
    "Group.Read.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
};

const LIST_QUERY = ["$select", "$top", "$skiptoken", "$count"];

function findGroup(ctx: EndpointContext): PostureGroup {
  const g = membershipOf(posture(ctx).groups).group(ctx.params.id);
  if (!g) throw userNotFound(ctx.params.id);
  return g;
}

function objects(ctx: EndpointContext, items: DirectoryObject[], contextPath: string) {
  const select = mixedSelect(ctx);
  const p = posture(ctx);
  return collection(ctx, items, {
    contextPath,
    page: DIRECTORY_PAGE,
    count: "eventual",
    render: (o) => directoryObjectPayload(ctx.tenant, p, o, select),
  });
}

export const listGroups = endpoint({
  method: "GET",
  path: "/groups",
  permissions: GROUP_READ,
  workload: DIRECTORY,
  query: [...LIST_QUERY, "$filter"],
  handler: (ctx) =>
    collection(ctx, posture(ctx).groups, {
      contextPath: "groups",
      type: "group",
      page: DIRECTORY_PAGE,
      count: "eventual",
      filterable: ["displayName", "mailEnabled", "securityEnabled", "id"],
      render: (g) => groupPayload(ctx.tenant, g),
    }),
});

export const getGroup = endpoint({
  method: "GET",
  path: "/groups/{id}",
  permissions: GROUP_READ,
  workload: DIRECTORY,
  query: ["$select"],
  handler: (ctx) => entity(ctx, "groups", groupPayload(ctx.tenant, findGroup(ctx)), { type: "group" }),
});

const memberObjects = (ctx: EndpointContext, userIds: string[], groupIds: string[]): DirectoryObject[] => {
  const m = membershipOf(posture(ctx).groups);
  return [
    ...userIds.map((id) => ({ kind: "user" as const, user: ctx.tenant.usersById.get(id)! })),
    ...groupIds.map((id) => ({ kind: "group" as const, group: m.group(id)! })),
  ];
};

export const listGroupMembers = endpoint({
  method: "GET",
  path: "/groups/{id}/members",
  permissions: GROUP_READ,
  workload: DIRECTORY,
  query: LIST_QUERY,
  handler(ctx) {
    const g = findGroup(ctx);
    return objects(ctx, memberObjects(ctx, g.memberUserIds, g.memberGroupIds), "directoryObjects");
  },
});

export const listGroupTransitiveMembers = endpoint({
  method: "GET",
  path: "/groups/{id}/transitiveMembers",
  permissions: GROUP_READ,
  workload: DIRECTORY,
  query: LIST_QUERY,
  handler(ctx) {
    const all = membershipOf(posture(ctx).groups).transitiveMembers(findGroup(ctx).id);
    return objects(ctx, memberObjects(ctx, all.userIds, all.groupIds), "directoryObjects");
  },
});

function memberOf(ctx: EndpointContext, transitive: boolean): DirectoryObject[] {
  const m = membershipOf(posture(ctx).groups);
  const user = ctx.user!;
  const groups = transitive ? m.transitiveParents(user.id) : m.directParents(user.id);
  return [
    ...groups.map((group) => ({ kind: "group" as const, group })),
    ...user.roles.map((templateId) => ({ kind: "directoryRole" as const, templateId })),
  ];
}

export const listMemberOf = endpoint({
  method: "GET",
  path: "/users/{user}/memberOf",
  permissions: MEMBER_OF_READ,
  workload: DIRECTORY,
  query: LIST_QUERY,
  handler: (ctx) => objects(ctx, memberOf(ctx, false), "directoryObjects"),
});

export const listTransitiveMemberOf = endpoint({
  method: "GET",
  path: "/users/{user}/transitiveMemberOf",
  permissions: MEMBER_OF_READ,
  workload: DIRECTORY,
  query: LIST_QUERY,
  handler: (ctx) => objects(ctx, memberOf(ctx, true), "directoryObjects"),
});
