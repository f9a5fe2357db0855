// GET /auditLogs/signIns (Entra ID P1; 30 days; identity-reports throttling) and Identity
// Protection's riskyUsers (Entra ID P2; one request per second per tenant, like conditional access).
import { endpoint } from "../../graph/endpoint.ts";
import { GraphError, userNotFound } from "../../graph/errors.ts";
import { AUDIT_LOGS, IDENTITY_PROTECTION } from "../../graph/workloads.ts";
import { CONDITIONAL_ACCESS, IDENTITY_REPORTS } from "../../throttle/classes.ts";
import { requireEntraP1, requireEntraP2 } from "../licensing.ts";
import { collection, DIRECTORY_PAGE, entity } from "./collections.ts";
import { posture } from "./context.ts";

export const listSignIns = endpoint({
  method: "GET",
  path: "/auditLogs/signIns",
  permissions: { delegated: ["AuditLog.Read.All", "Directory.Read.All"], application: ["AuditLog.Read.All"] },
  workload: AUDIT_LOGS,
  throttle: [IDENTITY_REPORTS],
  query: ["$filter", "$top", "$skiptoken"],
  handler(ctx) {
    requireEntraP1(ctx.tenant);
    return collection(ctx, posture(ctx).signIns, {
      contextPath: "auditLogs/signIns",
      filterable: ["userId", "userPrincipalName", "appId", "createdDateTime", "conditionalAccessStatus"],
      page: {
        defaultSize: 1000,
        maxSize: 1000,
        invalidTop: (v) => new GraphError(400, "Request_BadRequest", `Invalid $top value '${v}'.`),
      },
    });
  },
});

const RISK_READ = {
  delegated: ["IdentityRiskyUser.Read.All", "IdentityRiskyUser.ReadWrite.All"],
  application: ["IdentityRiskyUser.Read.All", "IdentityRiskyUser.ReadWrite.All"],
};

export const listRiskyUsers = endpoint({
  method: "GET",
  path: "/identityProtection/riskyUsers",
  permissions: RISK_READ,
  workload: IDENTITY_PROTECTION,
  throttle: [CONDITIONAL_ACCESS],
  query: ["$filter", "$top", "$skiptoken", "$select"],
  handler(ctx) {
    const p = posture(ctx);
    requireEntraP2(p);
    return collection(ctx, p.riskyUsers, {
      contextPath: "identityProtection/riskyUsers",
      type: "riskyUser",
      page: DIRECTORY_PAGE,
      filterable: ["riskLevel", "riskState", "userPrincipalName", "id"],
    });
  },
});

export const getRiskyUser = endpoint({
  method: "GET",
  path: "/identityProtection/riskyUsers/{id}",
  permissions: RISK_READ,
  workload: IDENTITY_PROTECTION,
  throttle: [CONDITIONAL_ACCESS],
  handler(ctx) {
    const p = posture(ctx);
    requireEntraP2(p);
    const risky = p.riskyUsers.find((r) => r.id === ctx.params.id);
    if (!risky) throw userNotFound(ctx.params.id);
    return entity(ctx, "identityProtection/riskyUsers", risky);
  },
});
