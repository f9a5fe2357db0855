// Intune (tenants licensed for it; others get "Request not applicable to target tenant."):
// managed devices, compliance policies with per-device statuses, and the tenant's device state
// summary, which Graph returns as a plain entity (the docs' `{"value":{…}}` wrapper is not real).
import { endpoint, type EndpointContext } from "../../graph/endpoint.ts";
import { badRequest } from "../../graph/errors.ts";
import { option } from "../../graph/odata.ts";
import { INTUNE_DEVICE_CONFIGURATION, INTUNE_MANAGED_DEVICES, intuneError } from "../../graph/workloads.ts";
import { INTUNE_CONFIGURATION, INTUNE_DEVICES } from "../../throttle/classes.ts";
import { requireIntune } from "../licensing.ts";
import { deviceStateSummary, policyPlatform, policyStatus } from "../world/devices.ts";
import { collection, entity } from "./collections.ts";
import { posture } from "./context.ts";
import { unsupported } from "./unsupported.ts";

const DEVICES_READ = {
  delegated: ["DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"],
  application: ["DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"],
};
const CONFIGURATION_READ = {
  delegated: ["DeviceManagementConfiguration.Read.All", "DeviceManagementConfiguration.ReadWrite.All"],
  application: ["DeviceManagementConfiguration.Read.All", "DeviceManagementConfiguration.ReadWrite.All"],
};

const notFound = () => intuneError(404, "ResourceNotFound", "Resource not found");
const INTUNE_PAGE = {
  defaultSize: 1000,
  maxSize: 1000,
  invalidTop: (v: string) => badRequest(`Invalid $top value '${v}'.`),
};

export const listManagedDevices = endpoint({
  method: "GET",
  path: "/deviceManagement/managedDevices",
  permissions: DEVICES_READ,
  workload: INTUNE_MANAGED_DEVICES,
  throttle: [INTUNE_DEVICES],
  query: ["$select", "$filter", "$top", "$skiptoken"],
  handler(ctx) {
    requireIntune(ctx.tenant);
    return collection(ctx, posture(ctx).devices, {
      contextPath: "deviceManagement/managedDevices",
      type: "managedDevice",
      page: INTUNE_PAGE,
      filterable: [
        "complianceState",
        "userPrincipalName",
        "userId",
        "operatingSystem",
        "deviceName",
        "managedDeviceOwnerType",
        "lastSyncDateTime",
      ],
    });
  },
});

export const getManagedDevice = endpoint({
  method: "GET",
  path: "/deviceManagement/managedDevices/{id}",
  permissions: DEVICES_READ,
  workload: INTUNE_MANAGED_DEVICES,
  throttle: [INTUNE_DEVICES],
  query: ["$select"],
  handler(ctx) {
    requireIntune(ctx.tenant);
    const device = posture(ctx).devices.find((d) => d.id === ctx.params.id);
    if (!device) throw notFound();
    return entity(ctx, "deviceManagement/managedDevices", device, { type: "managedDevice" });
  },
});

/** Intune's "All users" virtual group: every baseline policy here is assigned to it. */
const ALL_USERS = "adadadad-808e-44e2-905a-0b7873a8a531";

export const listCompliancePolicies = endpoint({
  method: "GET",
  path: "/deviceManagement/deviceCompliancePolicies",
  permissions: CONFIGURATION_READ,
  workload: INTUNE_DEVICE_CONFIGURATION,
  throttle: [INTUNE_CONFIGURATION],
  query: ["$expand", "$orderby"],
  handler(ctx) {
    requireIntune(ctx.tenant);
    const expand = option(ctx.url, "$expand");
    const order = option(ctx.url, "$orderby");
    if (
      (expand !== null && expand !== "assignments") ||
      (order !== null && !/^displayName( asc| desc)?$/.test(order))
    ) {
      throw unsupported(`$expand=${expand ?? ""} / $orderby=${order ?? ""}`);
    }
    const sorted = [...posture(ctx).compliancePolicies];
    if (order) sorted.sort((a, b) => String(a.displayName).localeCompare(String(b.displayName)));
    if (order?.endsWith("desc")) sorted.reverse();
    return collection(ctx, sorted, {
      contextPath: "deviceManagement/deviceCompliancePolicies",
      render: (p) =>
        expand
          ? {
            ...p,
            assignments: [{
              id: `${p.id}_${ALL_USERS}`,
              target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" },
            }],
          }
          : p,
    });
  },
});

function findPolicy(ctx: EndpointContext): Record<string, unknown> {
  const policy = posture(ctx).compliancePolicies.find((p) => p.id === ctx.params.id);
  if (!policy) throw notFound();
  return policy;
}

export const getCompliancePolicy = endpoint({
  method: "GET",
  path: "/deviceManagement/deviceCompliancePolicies/{id}",
  permissions: CONFIGURATION_READ,
  workload: INTUNE_DEVICE_CONFIGURATION,
  throttle: [INTUNE_CONFIGURATION],
  handler(ctx) {
    requireIntune(ctx.tenant);
    return entity(ctx, "deviceManagement/deviceCompliancePolicies", findPolicy(ctx));
  },
});

export const listDeviceStatuses = endpoint({
  method: "GET",
  path: "/deviceManagement/deviceCompliancePolicies/{id}/deviceStatuses",
  permissions: CONFIGURATION_READ,
  workload: INTUNE_DEVICE_CONFIGURATION,
  throttle: [INTUNE_CONFIGURATION],
  query: ["$top", "$skiptoken"],
  handler(ctx) {
    requireIntune(ctx.tenant);
    const policy = findPolicy(ctx);
    const platform = policyPlatform(policy);
    const devices = posture(ctx).devices.filter((d) => d.operatingSystem === platform);
    return collection(ctx, devices, {
      contextPath: `deviceManagement/deviceCompliancePolicies('${policy.id}')/deviceStatuses`,
      page: INTUNE_PAGE,
      render: (d) => ({
        "@odata.type": "#microsoft.graph.deviceComplianceDeviceStatus",
        id: `${policy.id}_${d.id}`,
        deviceDisplayName: d.deviceName,
        userName: d.userDisplayName,
        deviceModel: d.model,
        complianceGracePeriodExpirationDateTime: d.complianceGracePeriodExpirationDateTime,
        status: policyStatus(String(d.complianceState)),
        lastReportedDateTime: d.lastSyncDateTime,
        userPrincipalName: d.userPrincipalName,
      }),
    });
  },
});

export const getDeviceStateSummary = endpoint({
  method: "GET",
  path: "/deviceManagement/deviceCompliancePolicyDeviceStateSummary",
  permissions: CONFIGURATION_READ,
  workload: INTUNE_DEVICE_CONFIGURATION,
  throttle: [INTUNE_CONFIGURATION],
  handler(ctx) {
    requireIntune(ctx.tenant);
    const p = posture(ctx);
    return entity(ctx, "deviceManagement/deviceCompliancePolicyDeviceStateSummary", {
      "@odata.type": "#microsoft.graph.deviceCompliancePolicyDeviceStateSummary",
      id: p.deviceStateSummaryId,
      ...deviceStateSummary(p.devices),
    });
  },
});
