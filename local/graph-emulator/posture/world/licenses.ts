// Licences: which users hold which SKU (users' assignedLicenses, assignedPlans and
// licenseAssignmentStates), the subscriptions each SKU was bought in, and the organization's
// assignedPlans/provisionedPlans. consumedUnits is never stored: it is counted from the users.
import type { Random } from "../../core/random.ts";
import { isoSeconds } from "../../core/time-format.ts";
import type { Tenant, User } from "../../world/types.ts";
import type { Holders, LicencePlan, SubscriptionPlan } from "../catalogue/tenant-plans.ts";
import { servicePlan, skuByPartNumber, type SkuDefinition } from "../catalogue/skus.ts";
import type { Subscription, TenantSku } from "../state.ts";

const DAY = 86_400_000;
const TERM_DAYS = { monthly: 30, yearly: 365, trial: 30 } as const;

export function assignLicences(
  tenant: Tenant,
  plans: LicencePlan[],
  random: Random,
  epoch: number,
): TenantSku[] {
  const licensed = tenant.users.filter((u) => u.licensed);
  const withPrimary = new Set<string>();
  const skus = plans.map((plan) => {
    const sku = skuByPartNumber(plan.sku);
    const holders = pickHolders(plan.holders, licensed, withPrimary, random.fork(`holders/${plan.sku}`));
    const disabledPlans = (plan.disabledPlans ?? []).map((name) => servicePlan(name).id);
    for (const user of holders) user.graph.assignedLicenses.push({ disabledPlans, skuId: sku.skuId });
    const subs = random.fork(`subscriptions/${plan.sku}`);
    return {
      sku,
      subscriptions: plan.subscriptions.map((s) => subscription(s, holders.length, subs, epoch)),
    };
  });
  for (const user of tenant.users) describeAssignments(user, skus, []);
  return skus;
}

function pickHolders(holders: Holders, licensed: User[], withPrimary: Set<string>, random: Random): User[] {
  const isAdmin = (u: User) => u.roles.length > 0;
  if ("primary" in holders) {
    const open = licensed.filter((u) => !withPrimary.has(u.id));
    const chosen = open.filter((u) => isAdmin(u) || holders.primary >= 1 || random.chance(holders.primary));
    for (const u of chosen) withPrimary.add(u.id);
    return chosen;
  }
  if ("viral" in holders) {
    const chosen = licensed.filter(() => random.chance(holders.viral));
    return chosen.length || !licensed.length ? chosen : [random.pick(licensed)];
  }
  switch (holders.role) {
    case "admins":
      return licensed.filter(isAdmin);
    case "itAndAdmins":
      return licensed.filter((u) => isAdmin(u) || u.graph.department === "IT");
    case "nobody":
      return [];
  }
}

function subscription(plan: SubscriptionPlan, consumed: number, random: Random, epoch: number): Subscription {
  const term = TERM_DAYS[plan.term];
  const created = plan.term === "trial"
    ? epoch - random.int(5, 20) * DAY
    : epoch - random.int(term, term * 3) * DAY - random.int(0, 86_399) * 1000;
  // The next renewal (or, for a lapsed block, the next step towards deletion) lies ahead.
  let next = created + term * DAY;
  while (next <= epoch) next += term * DAY;
  const units = plan.units;
  return {
    id: random.uuid(),
    commerceSubscriptionId: random.uuid(),
    createdDateTime: created,
    nextLifecycleDateTime: next,
    isTrial: plan.term === "trial",
    status: plan.status,
    totalLicenses: "fixed" in units
      ? units.fixed
      : "spare" in units
      ? consumed + units.spare
      : Math.max(0, consumed - units.short),
  };
}

/** assignedPlans and licenseAssignmentStates follow from assignedLicenses; plans the tenant's
 * licensing switch turned off show as suspended. */
export function describeAssignments(
  user: User,
  skus: readonly TenantSku[],
  disabledPlanIds: readonly string[],
): void {
  const when = isoSeconds(Date.parse(user.graph.createdDateTime) + 3_600_000);
  const assigned = user.graph.assignedLicenses;
  const held = (skuId: string) => skus.find((s) => s.sku.skuId === skuId)?.sku;
  user.graph.assignedPlans = assigned.flatMap((a) =>
    (held(a.skuId)?.plans ?? []).filter((p) => !a.disabledPlans.includes(p.id)).map((p) => ({
      assignedDateTime: when,
      capabilityStatus: disabledPlanIds.includes(p.id) ? "Suspended" : "Enabled",
      service: p.service,
      servicePlanId: p.id,
    }))
  );
  user.graph.licenseAssignmentStates = assigned.map((a) => ({
    assignedByGroup: null,
    disabledPlans: a.disabledPlans,
    error: "None",
    lastUpdatedDateTime: when,
    skuId: a.skuId,
    state: "Active",
  }));
}

/** Units by state, as subscribedSkus.prepaidUnits reports them. */
export function prepaidUnits(sku: TenantSku): { enabled: number; warning: number; suspended: number } {
  const sum = (status: Subscription["status"]) =>
    sku.subscriptions.filter((s) => s.status === status).reduce((n, s) => n + s.totalLicenses, 0);
  return { enabled: sum("Enabled"), warning: sum("Warning"), suspended: sum("Suspended") };
}

export function capabilityStatus(sku: TenantSku): string {
  const states = sku.subscriptions.map((s) => s.status);
  return states.includes("Enabled") ? "Enabled" : states.includes("Warning") ? "Warning" : "Suspended";
}

export function consumedUnits(tenant: Tenant, sku: SkuDefinition): number {
  return tenant.users.filter((u) => u.graph.assignedLicenses.some((a) => a.skuId === sku.skuId)).length;
}

/** The organization's plans: every plan of every SKU the tenant buys, with its state. */
export function organizationPlans(skus: readonly TenantSku[], disabledPlanIds: readonly string[]) {
  const assignedPlans = skus.flatMap((s) =>
    s.sku.plans.map((p) => ({
      assignedDateTime: isoSeconds(Math.min(...s.subscriptions.map((x) => x.createdDateTime))),
      capabilityStatus: disabledPlanIds.includes(p.id) ? "Suspended" : capabilityStatus(s),
      service: p.service,
      servicePlanId: p.id,
    }))
  );
  const provisioned = ["exchange", "SharePoint", "MicrosoftCommunicationsOnline"];
  const provisionedPlans = assignedPlans.filter((p) => provisioned.includes(p.service)).map((p) => ({
    capabilityStatus: p.capabilityStatus,
    provisioningStatus: "Success",
    service: p.service,
  }));
  return { assignedPlans, provisionedPlans };
}
