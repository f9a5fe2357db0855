// GET /subscribedSkus (and /{id}), GET /directory/subscriptions: what the tenant bought, in which
// subscriptions and states, and how many units its users consume (counted from assignedLicenses).
import { isoSeconds } from "../../core/time-format.ts";
import { endpoint, type EndpointContext } from "../../graph/endpoint.ts";
import { userNotFound } from "../../graph/errors.ts";
import { DIRECTORY } from "../../graph/workloads.ts";
import type { TenantSku } from "../state.ts";
import { capabilityStatus, consumedUnits, prepaidUnits } from "../world/licenses.ts";
import { collection, entity } from "./collections.ts";
import { posture } from "./context.ts";

const READ = {
  delegated: ["Organization.Read.All", "Directory.Read.All", "LicenseAssignment.Read.All"],
  application: [
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    "LicenseAssignment.Read.All",
  ],
};

function servicePlans(ctx: EndpointContext, s: TenantSku) {
  const off = posture(ctx).disabledPlanIds;
  return s.sku.plans.map((p) => ({
    servicePlanId: p.id,
    servicePlanName: p.name,
    provisioningStatus: off.includes(p.id) ? "Disabled" : "Success",
    appliesTo: p.name === "EXCHANGE_S_FOUNDATION" ? "Company" : "User",
  }));
}

function skuPayload(ctx: EndpointContext, s: TenantSku): Record<string, unknown> {
  return {
    accountName: ctx.tenant.profile.displayName,
    accountId: ctx.tenant.id,
    appliesTo: "User",
    capabilityStatus: capabilityStatus(s),
    consumedUnits: consumedUnits(ctx.tenant, s.sku),
    id: `${ctx.tenant.id}_${s.sku.skuId}`,
    prepaidUnits: { ...prepaidUnits(s), lockedOut: 0 },
    servicePlans: servicePlans(ctx, s),
    skuId: s.sku.skuId,
    skuPartNumber: s.sku.skuPartNumber,
    subscriptionIds: s.subscriptions.map((x) => x.id),
  };
}

export const listSubscribedSkus = endpoint({
  method: "GET",
  path: "/subscribedSkus",
  permissions: READ,
  workload: DIRECTORY,
  query: ["$select"],
  handler: (ctx) =>
    collection(ctx, posture(ctx).skus, {
      contextPath: "subscribedSkus",
      type: "subscribedSku",
      render: (s) => skuPayload(ctx, s),
    }),
});

export const getSubscribedSku = endpoint({
  method: "GET",
  path: "/subscribedSkus/{id}",
  permissions: READ,
  workload: DIRECTORY,
  query: ["$select"],
  handler(ctx) {
    const s = posture(ctx).skus.find((x) =>
      `${ctx.tenant.id}_${x.sku.skuId}` === ctx.params.id.toLowerCase()
    );
    if (!s) throw userNotFound(ctx.params.id);
    return entity(ctx, "subscribedSkus", skuPayload(ctx, s), { type: "subscribedSku" });
  },
});

export const listCompanySubscriptions = endpoint({
  method: "GET",
  path: "/directory/subscriptions",
  permissions: READ,
  workload: DIRECTORY,
  query: ["$select"],
  handler: (ctx) =>
    collection(ctx, posture(ctx).skus.flatMap((s) => s.subscriptions.map((sub) => ({ s, sub }))), {
      contextPath: "directory/subscriptions",
      type: "companySubscription",
      render: ({ s, sub }) => ({
        id: sub.id,
        commerceSubscriptionId: sub.commerceSubscriptionId,
        createdDateTime: isoSeconds(sub.createdDateTime),
        isTrial: sub.isTrial,
        nextLifecycleDateTime: isoSeconds(sub.nextLifecycleDateTime),
        ownerId: null,
        ownerTenantId: null,
        ownerType: null,
        serviceStatus: servicePlans(ctx, s),
        skuId: s.sku.skuId,
        skuPartNumber: s.sku.skuPartNumber,
        status: sub.status,
        totalLicenses: sub.totalLicenses,
      }),
    }),
});
