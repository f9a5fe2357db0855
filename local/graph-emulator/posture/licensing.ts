// Licence gates: what Graph answers when the tenant lacks the licence a feature needs.
import { GraphError } from "../graph/errors.ts";
import type { Tenant } from "../world/types.ts";
import type { PostureTenant } from "./state.ts";

/** Entra ID P1 (sign-in logs, registration details): the directory's premium-licence 403. */
export function requireEntraP1(tenant: Tenant): void {
  if (tenant.profile.features.entraP1) return;
  throw new GraphError(
    403,
    "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
    "Neither tenant is B2C or tenant doesn't have premium license",
  );
}

/** Entra ID P2 (Identity Protection). */
export function requireEntraP2(posture: PostureTenant): void {
  if (!posture.entraP2) {
    throw new GraphError(403, "Forbidden", "Your tenant is not licensed for this feature.");
  }
}

/** Intune: a tenant without it is "not applicable" to the Intune service. */
export function requireIntune(tenant: Tenant): void {
  if (!tenant.profile.features.intune) {
    throw new GraphError(400, "BadRequest", "Request not applicable to target tenant.");
  }
}
