// Intune: managed devices of the tenant's people (OS mix, compliance states, stale syncs) and one
// compliance policy per platform. Device states feed the policies' deviceStatuses and the tenant's
// deviceCompliancePolicyDeviceStateSummary, both counted from the devices on every request.
import type { Random } from "../../core/random.ts";
import { isoSeconds } from "../../core/time-format.ts";
import type { Tenant, User } from "../../world/types.ts";
import type { TenantPosturePlan } from "../catalogue/tenant-plans.ts";
import { weighted } from "./weighted.ts";

const DAY = 86_400_000;
const NEVER = "0001-01-01T00:00:00Z";
/** Graph's "no grace period" value. */
export const NO_GRACE_PERIOD = "9999-12-31T23:59:59Z";

type Platform = "Windows" | "iOS" | "Android" | "macOS";

interface Hardware {
  models: [string, string][]; // [manufacturer, model]
  versions: string[];
  enrollment: string;
  storageGb: number[];
}

const HARDWARE: Record<Platform, Hardware> = {
  Windows: {
    models: [["Dell Inc.", "Latitude 7440"], ["Microsoft Corporation", "Surface Laptop 5"], [
      "LENOVO",
      "21HD003UUS",
    ]],
    versions: ["10.0.22631.4460", "10.0.26100.2314", "10.0.19045.5131"],
    enrollment: "windowsAzureADJoin",
    storageGb: [256, 512],
  },
  iOS: {
    models: [["Apple", "iPhone 15"], ["Apple", "iPhone 14"], ["Apple", "iPhone 13"]],
    versions: ["18.1", "17.6.1", "16.7.10"],
    enrollment: "appleUserEnrollment",
    storageGb: [128, 256],
  },
  Android: {
    models: [["samsung", "SM-S911B"], ["Google", "Pixel 8"], ["samsung", "SM-A546B"]],
    versions: ["15", "14", "13"],
    enrollment: "userEnrollment",
    storageGb: [128, 256],
  },
  macOS: {
    models: [["Apple", "MacBookPro18,3"], ["Apple", "Mac14,2"]],
    versions: ["15.1", "14.7.1"],
    enrollment: "userEnrollment",
    storageGb: [512, 1024],
  },
};

export interface DevicePlan {
  devices: Record<string, unknown>[];
  /** The Windows PC of each user who has one (Windows Hello is registered on it). */
  windowsDevices: Map<string, string>;
}

export function buildDevices(
  tenant: Tenant,
  plan: TenantPosturePlan,
  random: Random,
  epoch: number,
): DevicePlan {
  const devices: Record<string, unknown>[] = [];
  const windowsDevices = new Map<string, string>();
  if (!tenant.profile.features.intune) return { devices, windowsDevices };
  const prefix = tenant.profile.key.slice(0, 3).toUpperCase();
  const people = tenant.users.filter((u) => u.kind === "member" && u.licensed && u.graph.accountEnabled);
  for (const user of people) {
    const count = weighted(random, Object.fromEntries(plan.devicesPerUser.map((w, i) => [String(i), w])));
    for (let i = 0; i < Number(count); i++) {
      const platform = weighted(random, plan.platforms) as Platform;
      const device = managedDevice(user, platform, plan, random, epoch, prefix);
      if (platform === "Windows" && !windowsDevices.has(user.id)) {
        windowsDevices.set(user.id, String(device.deviceName));
      }
      devices.push(device);
    }
  }
  return { devices, windowsDevices };
}

function managedDevice(
  user: User,
  platform: Platform,
  plan: TenantPosturePlan,
  random: Random,
  epoch: number,
  prefix: string,
): Record<string, unknown> {
  const hw = HARDWARE[platform];
  const [manufacturer, model] = random.pick(hw.models);
  const enrolled = epoch - random.int(20, 700) * DAY - random.int(0, 86_399) * 1000;
  // Most devices check in every few hours; some have not synced for weeks.
  const stale = random.chance(0.08);
  const lastSync = epoch - (stale ? random.int(35, 140) * DAY : random.int(0, 3) * DAY) -
    random.int(0, 86_399) * 1000;
  let complianceState: string = weighted(random, plan.compliance);
  // Past the compliance validity period a device is no longer reported compliant.
  if (stale && complianceState === "compliant") complianceState = "noncompliant";
  const given = user.graph.givenName ?? user.graph.displayName;
  const phone = platform === "iOS" || platform === "Android";
  const deviceName = platform === "Windows"
    ? `${prefix}-LT-${random.int(1000, 9999)}`
    : platform === "macOS"
    ? `${given}'s MacBook`
    : platform === "iOS"
    ? `${given}'s iPhone`
    : model;
  const storage = random.pick(hw.storageGb) * 1_000_000_000;
  const nick = user.graph.mailNickname;
  return {
    "@odata.type": "#microsoft.graph.managedDevice",
    id: random.uuid(),
    userId: user.id,
    deviceName,
    managedDeviceOwnerType: phone && random.chance(0.4) ? "personal" : "company",
    deviceActionResults: [],
    enrolledDateTime: isoSeconds(enrolled),
    lastSyncDateTime: isoSeconds(Math.max(lastSync, enrolled)),
    operatingSystem: platform,
    complianceState,
    jailBroken: phone ? "False" : "Unknown",
    managementAgent: "mdm",
    osVersion: random.pick(hw.versions),
    easActivated: false,
    easDeviceId: "",
    easActivationDateTime: NEVER,
    azureADRegistered: true,
    deviceEnrollmentType: hw.enrollment,
    activationLockBypassCode: null,
    emailAddress: user.graph.mail ?? "",
    azureADDeviceId: random.uuid(),
    deviceRegistrationState: "registered",
    deviceCategoryDisplayName: "Unknown Category",
    isSupervised: false,
    exchangeLastSuccessfulSyncDateTime: NEVER,
    exchangeAccessState: "none",
    exchangeAccessStateReason: "none",
    remoteAssistanceSessionUrl: null,
    remoteAssistanceSessionErrorDetails: null,
    isEncrypted: platform !== "Android" || random.chance(0.9),
    userPrincipalName: user.graph.userPrincipalName,
    model,
    manufacturer,
    imei: phone ? String(random.int(350000000, 359999999)) + String(random.int(100000, 999999)) : "",
    complianceGracePeriodExpirationDateTime: complianceState === "inGracePeriod"
      ? isoSeconds(epoch + random.int(1, 3) * DAY)
      : NO_GRACE_PERIOD,
    serialNumber: Array.from({ length: 10 }, () => random.pick([..."ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"]))
      .join(""),
    phoneNumber: "",
    androidSecurityPatchLevel: platform === "Android" ? "2025-11-01" : "",
    userDisplayName: user.graph.displayName,
    configurationManagerClientEnabledFeatures: null,
    wiFiMacAddress: "",
    deviceHealthAttestationState: null,
    subscriberCarrier: "",
    meid: "",
    totalStorageSpaceInBytes: storage,
    freeStorageSpaceInBytes: Math.floor(storage * (0.1 + random.next() * 0.7)),
    managedDeviceName: `${nick}_${platform}_${new Date(enrolled).toISOString().slice(0, 10)}`,
    partnerReportedThreatState: "unknown",
    requireUserEnrollmentApproval: null,
    managementCertificateExpirationDate: isoSeconds(enrolled + 365 * DAY),
    iccid: null,
    udid: null,
    notes: null,
    ethernetMacAddress: null,
    physicalMemoryInBytes: 0,
    managementState: "managed",
    enrollmentProfileName: null,
  };
}

const POLICY_SETTINGS: Record<
  Platform,
  { type: string; displayName: string; settings: Record<string, unknown> }
> = {
  Windows: {
    type: "windows10CompliancePolicy",
    displayName: "Windows 10/11 - baseline compliance",
    settings: {
      passwordRequired: true,
      passwordBlockSimple: true,
      passwordRequiredToUnlockFromIdle: false,
      passwordMinutesOfInactivityBeforeLock: 15,
      passwordExpirationDays: null,
      passwordMinimumLength: 8,
      passwordMinimumCharacterSetCount: null,
      passwordRequiredType: "alphanumeric",
      passwordPreviousPasswordBlockCount: null,
      requireHealthyDeviceReport: false,
      osMinimumVersion: "10.0.19045",
      osMaximumVersion: null,
      mobileOsMinimumVersion: null,
      mobileOsMaximumVersion: null,
      earlyLaunchAntiMalwareDriverEnabled: false,
      bitLockerEnabled: true,
      secureBootEnabled: true,
      codeIntegrityEnabled: true,
      storageRequireEncryption: true,
    },
  },
  iOS: {
    type: "iosCompliancePolicy",
    displayName: "iOS - baseline compliance",
    settings: {
      passcodeBlockSimple: true,
      passcodeExpirationDays: null,
      passcodeMinimumLength: 6,
      passcodeMinutesOfInactivityBeforeLock: 5,
      passcodePreviousPasscodeBlockCount: null,
      passcodeMinimumCharacterSetCount: null,
      passcodeRequiredType: "numeric",
      passcodeRequired: true,
      osMinimumVersion: "17.0",
      osMaximumVersion: null,
      securityBlockJailbrokenDevices: true,
      deviceThreatProtectionEnabled: false,
      deviceThreatProtectionRequiredSecurityLevel: "unavailable",
      managedEmailProfileRequired: false,
    },
  },
  Android: {
    type: "androidCompliancePolicy",
    displayName: "Android - baseline compliance",
    settings: {
      passwordRequired: true,
      passwordMinimumLength: 6,
      passwordRequiredType: "numeric",
      passwordMinutesOfInactivityBeforeLock: 5,
      passwordExpirationDays: null,
      passwordPreviousPasswordBlockCount: null,
      securityPreventInstallAppsFromUnknownSources: true,
      securityDisableUsbDebugging: true,
      securityRequireVerifyApps: true,
      deviceThreatProtectionEnabled: false,
      deviceThreatProtectionRequiredSecurityLevel: "unavailable",
      securityBlockJailbrokenDevices: true,
      osMinimumVersion: "13",
      osMaximumVersion: null,
      minAndroidSecurityPatchLevel: "2025-06-01",
      storageRequireEncryption: true,
      securityRequireSafetyNetAttestationBasicIntegrity: true,
      securityRequireSafetyNetAttestationCertifiedDevice: false,
      securityRequireGooglePlayServices: true,
      securityRequireUpToDateSecurityProviders: false,
      securityRequireCompanyPortalAppIntegrity: true,
    },
  },
  macOS: {
    type: "macOSCompliancePolicy",
    displayName: "macOS - baseline compliance",
    settings: {
      passwordRequired: true,
      passwordBlockSimple: true,
      passwordExpirationDays: null,
      passwordMinimumLength: 8,
      passwordMinutesOfInactivityBeforeLock: 15,
      passwordPreviousPasswordBlockCount: null,
      passwordMinimumCharacterSetCount: null,
      passwordRequiredType: "alphanumeric",
      osMinimumVersion: "14.0",
      osMaximumVersion: null,
      systemIntegrityProtectionEnabled: true,
      deviceThreatProtectionEnabled: false,
      deviceThreatProtectionRequiredSecurityLevel: "unavailable",
      storageRequireEncryption: true,
      firewallEnabled: true,
      firewallBlockAllIncoming: false,
      firewallEnableStealthMode: false,
    },
  },
};

export function buildCompliancePolicies(plan: TenantPosturePlan, random: Random, epoch: number) {
  return (Object.keys(plan.platforms) as Platform[]).map((platform) => {
    const p = POLICY_SETTINGS[platform];
    const created = epoch - random.int(200, 900) * DAY;
    return {
      "@odata.type": `#microsoft.graph.${p.type}`,
      id: random.uuid(),
      createdDateTime: isoSeconds(created),
      description: `Minimum requirements for ${platform} devices`,
      lastModifiedDateTime: isoSeconds(created + random.int(1, 150) * DAY),
      displayName: p.displayName,
      version: random.int(1, 9),
      ...p.settings,
    };
  });
}

/** A device's status under a compliance policy of its platform. */
export function policyStatus(complianceState: string): string {
  switch (complianceState) {
    case "compliant":
      return "compliant";
    case "noncompliant":
    case "inGracePeriod":
      return "nonCompliant";
    case "configManager":
      return "notApplicable";
    default:
      return complianceState;
  }
}

/** The platform a compliance policy payload applies to. */
export function policyPlatform(policy: Record<string, unknown>): Platform | undefined {
  const type = String(policy["@odata.type"]);
  return (Object.keys(POLICY_SETTINGS) as Platform[]).find((p) => type.endsWith(POLICY_SETTINGS[p].type));
}

/** Devices by compliance state, counted from the devices themselves. */
export function deviceStateSummary(devices: readonly Record<string, unknown>[]): Record<string, number> {
  const count = (state: string) => devices.filter((d) => d.complianceState === state).length;
  return {
    inGracePeriodCount: count("inGracePeriod"),
    configManagerCount: count("configManager"),
    unknownDeviceCount: count("unknown"),
    notApplicableDeviceCount: 0,
    compliantDeviceCount: count("compliant"),
    remediatedDeviceCount: 0,
    nonCompliantDeviceCount: count("noncompliant"),
    errorDeviceCount: count("error"),
    conflictDeviceCount: count("conflict"),
  };
}
