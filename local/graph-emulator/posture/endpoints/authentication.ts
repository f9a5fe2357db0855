// A user's registered authentication methods, the tenant's userRegistrationDetails report (Entra
// ID P1; identity-reports throttling) and, on /beta, the per-user MFA state — the one documented
// source of perUserMfaState.
import { endpoint } from "../../graph/endpoint.ts";
import { option } from "../../graph/odata.ts";
import { badRequest, userNotFound } from "../../graph/errors.ts";
import { AUDIT_LOGS, AUTHENTICATION_METHODS } from "../../graph/workloads.ts";
import { IDENTITY_REPORTS } from "../../throttle/classes.ts";
import { requireEntraP1 } from "../licensing.ts";
import { registrationDetails } from "../world/registration.ts";
import { collection, DIRECTORY_PAGE, entity } from "./collections.ts";
import { posture } from "./context.ts";

export const listAuthenticationMethods = endpoint({
  method: "GET",
  path: "/users/{user}/authentication/methods",
  permissions: {
    delegated: [
      "UserAuthenticationMethod.Read",
      "UserAuthenticationMethod.Read.All",
      "UserAuthenticationMethod.ReadWrite.All",
    ],
    delegatedOthers: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
    application: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
  },
  workload: AUTHENTICATION_METHODS,
  query: ["$top"],
  handler(ctx) {
    const methods = posture(ctx).auth.get(ctx.user!.id)?.methods ?? [];
    // A handful per user, never paged; $top (CIPP sends 99) only trims.
    const top = option(ctx.url, "$top") ?? String(methods.length);
    if (!/^\d+$/.test(top)) throw badRequest(`Invalid value '${top}' for $top query option found.`);
    return collection(ctx, methods.slice(0, Number(top)), {
      contextPath: `users('${ctx.user!.id}')/authentication/methods`,
    });
  },
});

const REGISTRATION_FILTERS = [
  "userPrincipalName",
  "userType",
  "isAdmin",
  "isMfaRegistered",
  "isMfaCapable",
  "isSsprRegistered",
  "isPasswordlessCapable",
];

const REPORT_READ = { delegated: ["AuditLog.Read.All"], application: ["AuditLog.Read.All"] };

export const listUserRegistrationDetails = endpoint({
  method: "GET",
  path: "/reports/authenticationMethods/userRegistrationDetails",
  permissions: REPORT_READ,
  workload: AUDIT_LOGS,
  throttle: [IDENTITY_REPORTS],
  query: ["$select", "$top", "$skiptoken", "$filter"],
  handler(ctx) {
    requireEntraP1(ctx.tenant);
    const p = posture(ctx);
    return collection(ctx, ctx.tenant.users, {
      contextPath: "reports/authenticationMethods/userRegistrationDetails",
      type: "userRegistrationDetails",
      page: DIRECTORY_PAGE,
      filterable: REGISTRATION_FILTERS,
      render: (u) => registrationDetails(u, p.auth.get(u.id)!, p.ssprEnabled),
    });
  },
});

export const getUserRegistrationDetails = endpoint({
  method: "GET",
  path: "/reports/authenticationMethods/userRegistrationDetails/{id}",
  permissions: REPORT_READ,
  workload: AUDIT_LOGS,
  throttle: [IDENTITY_REPORTS],
  query: ["$select"],
  handler(ctx) {
    requireEntraP1(ctx.tenant);
    const p = posture(ctx);
    const user = ctx.tenant.usersById.get(ctx.params.id);
    if (!user) throw userNotFound(ctx.params.id);
    return entity(
      ctx,
      "reports/authenticationMethods/userRegistrationDetails",
      registrationDetails(user, p.auth.get(user.id)!, p.ssprEnabled),
      { type: "userRegistrationDetails" },
    );
  },
});

/** Served on /beta only (see beta.ts): strongAuthenticationRequirements is not in v1.0. */
export const getAuthenticationRequirements = endpoint({
  method: "GET",
  path: "/users/{user}/authentication/requirements",
  permissions: {
    delegated: ["Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod"],
    application: ["Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod"],
  },
  workload: AUTHENTICATION_METHODS,
  handler(ctx) {
    const state = posture(ctx).auth.get(ctx.user!.id)?.perUserMfaState ?? "disabled";
    return {
      status: 200,
      body: {
        "@odata.context": `${ctx.origin}/beta/$metadata#users('${ctx.user!.id}')/authentication/requirements`,
        perUserMfaState: state,
      },
    };
  },
});
