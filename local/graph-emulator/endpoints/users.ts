// /users, /users/{id | userPrincipalName}, /users/$count and /me (notes §7, §8): default property
// set vs $select-only properties, $top 1-999, $skiptoken paging, $count with ConsistencyLevel.
import { endpoint, type EndpointContext } from "../graph/endpoint.ts";
import { directoryBadRequest, GraphError, notImplemented } from "../graph/errors.ts";
import { contextUrl, countRequested, project, requireEventual, selectedProperties } from "../graph/odata.ts";
import { pageOf } from "../graph/paging.ts";
import { holdsAny } from "../graph/principal.ts";
import { DIRECTORY } from "../graph/workloads.ts";
import type { User } from "../world/types.ts";

/** What GET /users and GET /users/{id} return without $select. */
export const DEFAULT_USER_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
] as const;

/** Served by SharePoint per user: selecting them on the collection is a 501. */
const SINGLE_USER_ONLY = [
  "aboutMe",
  "birthday",
  "hireDate",
  "interests",
  "mySite",
  "pastProjects",
  "preferredName",
  "responsibilities",
  "schools",
  "skills",
  "mailboxSettings",
];

export const READ_ALL_DELEGATED = [
  "User.ReadBasic.All",
  "User.Read.All",
  "User.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];
export const READ_ALL_APPLICATION = [
  "User.Read.All",
  "User.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];

export const listUsers = endpoint({
  method: "GET",
  path: "/users",
  permissions: { delegated: READ_ALL_DELEGATED, application: READ_ALL_APPLICATION },
  workload: DIRECTORY,
  query: ["$select", "$top", "$count", "$skiptoken"],
  handler(ctx) {
    const select = selectedProperties(ctx, "user");
    const singleOnly = select?.filter((p) => SINGLE_USER_ONLY.includes(p)) ?? [];
    if (singleOnly.length) throw notImplemented();
    const count = countRequested(ctx, true);
    const page = pageOf(ctx.tenant.users, ctx, {
      defaultSize: 100,
      maxSize: 999,
      invalidTop: (v) =>
        directoryBadRequest(`Invalid page size specified: '${v}'. Must be between 1 and 999 inclusive.`),
    });
    const body: Record<string, unknown> = {
      "@odata.context": contextUrl(ctx.origin, "users", select, false),
    };
    if (count && page.first) body["@odata.count"] = ctx.tenant.users.length;
    if (page.nextLink) body["@odata.nextLink"] = page.nextLink;
    body.value = page.items.map((u) => userJson(ctx, u, select));
    return { status: 200, body };
  },
});

export const countUsers = endpoint({
  method: "GET",
  path: "/users/$count",
  permissions: { delegated: READ_ALL_DELEGATED, application: READ_ALL_APPLICATION },
  workload: DIRECTORY,
  handler(ctx) {
    requireEventual(ctx);
    return {
      status: 200,
      text: { contentType: "text/plain;charset=utf-8", value: String(ctx.tenant.users.length) },
    };
  },
});

export const getUser = endpoint({
  method: "GET",
  path: "/users/{user}",
  permissions: {
    delegated: ["User.Read", "User.ReadWrite", ...READ_ALL_DELEGATED],
    delegatedOthers: READ_ALL_DELEGATED,
    application: READ_ALL_APPLICATION,
  },
  workload: DIRECTORY,
  query: ["$select"],
  handler(ctx) {
    const select = selectedProperties(ctx, "user");
    return {
      status: 200,
      body: {
        "@odata.context": contextUrl(ctx.origin, "users", select, true),
        ...userJson(ctx, ctx.user!, select),
      },
    };
  },
});

/** A user as Graph serializes it: `$select`ed properties, or the default set. */
export function userJson(ctx: EndpointContext, user: User, select: string[] | null): Record<string, unknown> {
  const computed: Record<string, unknown> = { ...user.graph };
  if (select?.includes("signInActivity")) computed.signInActivity = signInActivity(ctx, user);
  if (select?.includes("mailboxSettings")) computed.mailboxSettings = user.mailbox?.settings ?? null;
  return project(computed, select, DEFAULT_USER_PROPERTIES, "user");
}

/** Needs AuditLog.Read.All and an Entra ID P1 tenant, each with its own 403. */
function signInActivity(ctx: EndpointContext, user: User): Record<string, unknown> | null {
  const p = ctx.principal;
  if (!holdsAny(p.kind === "delegated" ? p.scopes : p.roles, ["AuditLog.Read.All"])) {
    throw new GraphError(
      403,
      "Authentication_MSGraphPermissionMissing",
      "Calling principal does not have required MSGraph permissions AuditLog.Read.All",
    );
  }
  if (!ctx.tenant.profile.features.entraP1) {
    throw new GraphError(
      403,
      "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
      "Neither tenant is B2C or tenant doesn't have premium license",
    );
  }
  if (user.lastSignIn === null) return null;
  const at = new Date(user.lastSignIn).toISOString().replace(".000Z", "Z");
  const requestId = `${user.id.slice(0, 24)}${user.id.slice(-12)}`;
  return {
    lastSignInDateTime: at,
    lastSignInRequestId: requestId,
    lastNonInteractiveSignInDateTime: at,
    lastNonInteractiveSignInRequestId: requestId,
    lastSuccessfulSignInDateTime: at,
    lastSuccessfulSignInRequestId: requestId,
  };
}
