// GET /identity/conditionalAccess/policies (and /{id}) and the security defaults policy. Conditional
// access is limited to one request per second per tenant without Retry-After. Reading policies
// needs no premium licence: a tenant without Entra ID P1 answers with the policies it has (none,
// unless a lapsed licence left some behind); only creating or changing them needs P1.
import { endpoint, type EndpointContext } from "../../graph/endpoint.ts";
import { userNotFound } from "../../graph/errors.ts";
import { POLICIES } from "../../graph/workloads.ts";
import { CONDITIONAL_ACCESS } from "../../throttle/classes.ts";
import { collection, DIRECTORY_PAGE, entity } from "./collections.ts";
import { posture } from "./context.ts";

const READ = {
  delegated: ["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"],
  application: ["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"],
};

/** Graph expands the authentication strength in place and annotates it with its own context. */
function policyPayload(ctx: EndpointContext, policy: Record<string, unknown>): Record<string, unknown> {
  const grant = policy.grantControls as Record<string, unknown> | null;
  if (!grant) return policy;
  const { authenticationStrength, ...rest } = grant;
  return {
    ...policy,
    grantControls: {
      ...rest,
      "authenticationStrength@odata.context":
        `${ctx.origin}/v1.0/$metadata#identity/conditionalAccess/policies('${policy.id}')/grantControls/authenticationStrength/$entity`,
      authenticationStrength,
    },
  };
}

export const listConditionalAccessPolicies = endpoint({
  method: "GET",
  path: "/identity/conditionalAccess/policies",
  permissions: READ,
  workload: POLICIES,
  throttle: [CONDITIONAL_ACCESS],
  query: ["$select", "$filter", "$top", "$skiptoken", "$count"],
  handler(ctx) {
    return collection(ctx, posture(ctx).policies, {
      contextPath: "identity/conditionalAccess/policies",
      type: "conditionalAccessPolicy",
      page: DIRECTORY_PAGE,
      count: "plain",
      filterable: ["state", "displayName", "id"],
      render: (p) => policyPayload(ctx, p),
    });
  },
});

export const getConditionalAccessPolicy = endpoint({
  method: "GET",
  path: "/identity/conditionalAccess/policies/{id}",
  permissions: READ,
  workload: POLICIES,
  throttle: [CONDITIONAL_ACCESS],
  query: ["$select"],
  handler(ctx) {
    const policy = posture(ctx).policies.find((p) => p.id === ctx.params.id);
    if (!policy) throw userNotFound(ctx.params.id);
    return entity(ctx, "identity/conditionalAccess/policies", policyPayload(ctx, policy), {
      type: "conditionalAccessPolicy",
    });
  },
});

const SECURITY_DEFAULTS_DESCRIPTION =
  "Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.";

export const getSecurityDefaults = endpoint({
  method: "GET",
  path: "/policies/identitySecurityDefaultsEnforcementPolicy",
  permissions: { delegated: ["Policy.Read.All"], application: ["Policy.Read.All"] },
  workload: POLICIES,
  query: ["$select"],
  handler: (ctx) =>
    entity(ctx, "policies/identitySecurityDefaultsEnforcementPolicy", {
      id: "00000000-0000-0000-0000-000000000005",
      displayName: "Security Defaults",
      description: SECURITY_DEFAULTS_DESCRIPTION,
      isEnabled: ctx.tenant.profile.features.securityDefaults,
    }, { type: "identitySecurityDefaultsEnforcementPolicy", singleton: true }),
});
