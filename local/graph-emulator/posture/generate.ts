// The posture generator: after the directory exists, gives every tenant licences, groups, directory
// role objects, Intune devices, authentication methods, conditional access, sign-in logs, risky
// users, usage figures and Secure Score history, each from its own fork of the posture stream.
import type { Random } from "../core/random.ts";
import type { GenerateContext } from "../world/generate.ts";
import type { Tenant } from "../world/types.ts";
import { POLICY_SETS } from "./catalogue/conditional-access.ts";
import { GROUP_PLANS } from "./catalogue/groups.ts";
import { PLANS_BY_SERVICE } from "./catalogue/service-groups.ts";
import { POSTURE_PLANS } from "./catalogue/tenant-plans.ts";
import { POSTURE, type PostureTenant } from "./state.ts";
import { buildAuthentication } from "./world/authentication.ts";
import { buildPolicies } from "./world/conditional-access.ts";
import { buildCompliancePolicies, buildDevices } from "./world/devices.ts";
import { buildGroups, Membership } from "./world/groups.ts";
import { assignLicences, organizationPlans } from "./world/licenses.ts";
import { buildHistory } from "./world/secure-score.ts";
import { buildRiskyUsers, buildSignIns } from "./world/sign-ins.ts";
import { buildUsage } from "./world/usage.ts";

export function generatePosture({ world, random }: GenerateContext): void {
  const tenants = new Map<string, PostureTenant>();
  for (const tenant of world.tenants) {
    tenants.set(tenant.id, buildTenantPosture(tenant, random.fork(tenant.profile.key), world.epoch));
  }
  POSTURE.set(world, { tenants });
}

function buildTenantPosture(tenant: Tenant, random: Random, epoch: number): PostureTenant {
  const plan = POSTURE_PLANS[tenant.profile.key];
  if (!plan) throw new Error(`no posture plan for tenant '${tenant.profile.key}'`);
  // The control API changes licensing per world: give the world its own copy of the features.
  tenant.profile = { ...tenant.profile, features: { ...tenant.profile.features } };
  const skus = assignLicences(tenant, plan.licences, random.fork("licences"), epoch);
  Object.assign(tenant.organization, organizationPlans(skus, []));
  const groups = buildGroups(tenant, GROUP_PLANS[tenant.profile.key] ?? [], random.fork("groups"), epoch);
  const membership = new Membership(groups);
  const devices = buildDevices(tenant, plan, random.fork("devices"), epoch);
  const auth = buildAuthentication(
    tenant,
    plan,
    random.fork("authentication"),
    epoch,
    devices.windowsDevices,
  );
  const policies = plan.conditionalAccess
    ? buildPolicies(
      tenant,
      POLICY_SETS[plan.conditionalAccess],
      groups,
      random.fork("conditionalAccess"),
      epoch,
    )
    : [];
  const entraP2 = skus.some((s) => s.sku.plans.some((p) => PLANS_BY_SERVICE.entraP2.includes(p.id)));
  const riskyUsers = entraP2 ? buildRiskyUsers(tenant, plan.riskyUsers, random.fork("risk"), epoch) : [];
  const rolesInUse = [...new Set(tenant.users.flatMap((u) => u.roles))];
  const roleIds = random.fork("directoryRoles");
  const posture: PostureTenant = {
    tenantId: tenant.id,
    key: tenant.profile.key,
    entraP2,
    skus,
    disabledPlanIds: [],
    auth,
    ssprEnabled: plan.ssprEnabled,
    groups,
    directoryRoleIds: new Map(rolesInUse.map((r) => [r, roleIds.uuid()])),
    policies,
    secureScores: [],
    controlStates: new Map(
      Object.entries(plan.configControls).filter(([, c]) => c.state).map(([id, c]) => [id, {
        assignedTo: null,
        comment: c.state!.comment,
        state: c.state!.state,
        updatedBy: `admin@${tenant.profile.initialDomain}`,
        updatedDateTime: new Date(epoch - c.sinceDaysAgo * 86_400_000).toISOString(),
      }]),
    ),
    devices: devices.devices,
    compliancePolicies: tenant.profile.features.intune
      ? buildCompliancePolicies(plan, random.fork("compliancePolicies"), epoch)
      : [],
    deviceStateSummaryId: random.fork("summary").uuid(),
    signIns: buildSignIns(
      tenant,
      policies,
      membership,
      new Set(riskyUsers.filter((r) => r.riskState === "atRisk").map((r) => String(r.id))),
      random.fork("signIns"),
      epoch,
    ),
    riskyUsers,
    usage: buildUsage(tenant, random.fork("usage"), epoch),
    concealedNames: plan.concealedNames,
  };
  posture.secureScores = buildHistory(
    { tenant, posture, membership, configControls: plan.configControls },
    random.fork("secureScore"),
    epoch,
  );
  return posture;
}
