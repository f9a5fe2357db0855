// The posture world of a tenant as the control API shows it: licensing, SKUs with their counts,
// policies, and per user the facts an MFA report is judged against (per-user MFA state,
// registered methods, and which enabled policies require MFA of them, nesting and roles resolved).
import type { Tenant } from "../world/types.ts";
import type { PostureTenant } from "./state.ts";
import { mfaCoverage, mfaRequirement, view } from "./world/conditional-access.ts";
import { deviceStateSummary } from "./world/devices.ts";
import { membershipOf } from "./world/groups.ts";
import { capabilityStatus, consumedUnits, prepaidUnits } from "./world/licenses.ts";
import { isMfaRegistered, methodsRegistered } from "./world/registration.ts";

export function postureSummary(tenant: Tenant, posture: PostureTenant) {
  const membership = membershipOf(posture.groups);
  const { entraP1, intune, securityDefaults } = tenant.profile.features;
  return {
    tenantId: tenant.id,
    key: posture.key,
    licensing: { entraP1, entraP2: posture.entraP2, intune },
    securityDefaults,
    reportSettings: { displayConcealedNames: posture.concealedNames },
    skus: posture.skus.map((s) => ({
      skuPartNumber: s.sku.skuPartNumber,
      skuId: s.sku.skuId,
      displayName: s.sku.displayName,
      free: s.sku.free,
      capabilityStatus: capabilityStatus(s),
      consumedUnits: consumedUnits(tenant, s.sku),
      prepaidUnits: prepaidUnits(s),
    })),
    conditionalAccess: posture.policies.map((p) => ({
      id: view(p).id,
      displayName: view(p).displayName,
      state: view(p).state,
      requiresMfa: mfaRequirement(p),
    })),
    groups: posture.groups.map((g) => ({
      id: g.id,
      key: g.key,
      displayName: g.displayName,
      memberUserIds: g.memberUserIds,
      memberGroupIds: g.memberGroupIds,
    })),
    devices: { total: posture.devices.length, ...deviceStateSummary(posture.devices) },
    secureScore: { days: posture.secureScores.length },
    users: tenant.users.map((u) => {
      const auth = posture.auth.get(u.id)!;
      return {
        id: u.id,
        userPrincipalName: u.graph.userPrincipalName,
        kind: u.kind,
        accountEnabled: u.graph.accountEnabled,
        isAdmin: u.roles.length > 0,
        perUserMfaState: auth.perUserMfaState,
        isMfaRegistered: isMfaRegistered(auth),
        methodsRegistered: methodsRegistered(auth),
        conditionalAccess: mfaCoverage(posture.policies, u, membership),
        groups: membership.transitiveParents(u.id).map((g) => g.displayName),
        devices: posture.devices.filter((d) => d.userId === u.id).length,
      };
    }),
  };
}
