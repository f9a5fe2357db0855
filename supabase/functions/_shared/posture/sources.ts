// The Graph reads behind the posture datasets: each URL (with the $select, $top and period the
// datasets share, so one refresh reads it once) and the zod shape of what we use from the answer.
// Payloads are parsed, not trusted; a shape we do not recognise fails the dataset, clearly.
import { z } from "zod";
import type { Outcome } from "./failures.ts";
import type { GraphReads } from "./graph-reads.ts";

export interface Source<T> {
  url: string;
  schema: z.ZodType<T>;
  /** Only on /beta. */
  beta?: boolean;
}

const nullableString = z.string().nullish().transform((v) => v ?? null);

const User = z.object({
  id: z.string(),
  displayName: nullableString,
  mail: nullableString,
  userPrincipalName: z.string(),
  department: nullableString,
  jobTitle: nullableString,
  accountEnabled: z.boolean().nullish().transform((v) => v ?? true),
  userType: nullableString,
  assignedLicenses: z.array(z.object({ skuId: z.string() })).default([]),
  lastPasswordChangeDateTime: nullableString,
});
export type GraphUser = z.infer<typeof User>;

export const USERS: Source<GraphUser[]> = {
  url: "/users?$select=id,displayName,mail,userPrincipalName,department,jobTitle,accountEnabled,userType," +
    "assignedLicenses,lastPasswordChangeDateTime&$top=999",
  schema: z.array(User),
};

/** signInActivity needs Entra ID P1, so it is its own read (at most 500 a page, as Graph allows). */
export const SIGN_IN_ACTIVITY = {
  url: "/users?$select=id,signInActivity&$top=500",
  schema: z.array(z.object({
    id: z.string(),
    signInActivity: z.object({ lastSignInDateTime: nullableString }).nullish(),
  })),
};

const Sku = z.object({
  skuId: z.string(),
  skuPartNumber: z.string(),
  capabilityStatus: z.string(),
  consumedUnits: z.number(),
  prepaidUnits: z.object({
    enabled: z.number(),
    warning: z.number().default(0),
    suspended: z.number().default(0),
  }),
});
export type GraphSku = z.infer<typeof Sku>;
export const SKUS: Source<GraphSku[]> = { url: "/subscribedSkus", schema: z.array(Sku) };

export const SECURITY_DEFAULTS = {
  url: "/policies/identitySecurityDefaultsEnforcementPolicy",
  schema: z.object({ isEnabled: z.boolean() }),
};

const strings = z.array(z.string()).nullish().transform((v) => v ?? []);
const Policy = z.object({
  id: z.string(),
  displayName: z.string(),
  state: z.string(),
  conditions: z.object({
    clientAppTypes: strings,
    signInRiskLevels: strings,
    userRiskLevels: strings,
    locations: z.unknown().nullish(),
    platforms: z.unknown().nullish(),
    applications: z.object({ includeApplications: strings }).nullish(),
    users: z.object({
      includeUsers: strings,
      excludeUsers: strings,
      includeGroups: strings,
      excludeGroups: strings,
      includeRoles: strings,
      excludeRoles: strings,
      includeGuestsOrExternalUsers: z.unknown().nullish(),
      excludeGuestsOrExternalUsers: z.unknown().nullish(),
    }),
  }),
  grantControls: z.object({
    operator: z.string().nullish(),
    builtInControls: strings,
    authenticationStrength: z.object({ requirementsSatisfied: z.string().nullish() }).nullish(),
  }).nullish(),
});
export type CaPolicy = z.infer<typeof Policy>;
export const CA_POLICIES: Source<CaPolicy[]> = {
  url: "/identity/conditionalAccess/policies",
  schema: z.array(Policy),
};

const Registration = z.object({
  id: z.string(),
  isMfaRegistered: z.boolean(),
  methodsRegistered: strings,
});
export const REGISTRATION = {
  url: "/reports/authenticationMethods/userRegistrationDetails?$top=999",
  schema: z.array(Registration),
};

/** A person's methods: the source when the registration report needs a licence the tenant lacks. */
export const methodsOf = (userId: string) => ({
  url: `/users/${userId}/authentication/methods`,
  schema: z.array(z.object({ "@odata.type": z.string() })),
});

/** Legacy per-user MFA (strongAuthenticationRequirements): documented on /beta only. */
export const perUserMfaOf = (userId: string) => ({
  url: `/users/${userId}/authentication/requirements`,
  schema: z.object({ perUserMfaState: z.enum(["disabled", "enabled", "enforced"]) }),
  beta: true,
});

export const ROLE_ASSIGNMENTS = {
  url: "/roleManagement/directory/roleAssignments?$top=999",
  schema: z.array(z.object({ principalId: z.string(), roleDefinitionId: z.string() })),
};

export const GROUPS = {
  url: "/groups?$select=id,displayName&$top=999",
  schema: z.array(z.object({ id: z.string(), displayName: nullableString })),
};

/** Members through nested groups too: a policy on a parent group reaches them. */
export const groupMembersOf = (groupId: string) => ({
  url: `/groups/${groupId}/transitiveMembers?$select=id&$top=999`,
  schema: z.array(z.object({ id: z.string() })),
});

const ControlScore = z.object({
  controlName: z.string(),
  controlCategory: nullableString,
  description: nullableString,
  score: z.number().nullish().transform((v) => v ?? 0),
  scoreInPercentage: z.number().nullish(),
  implementationStatus: nullableString,
  lastSynced: nullableString,
});
export type ControlScore = z.infer<typeof ControlScore>;

const SecureScore = z.object({
  createdDateTime: z.string(),
  currentScore: z.number(),
  maxScore: z.number(),
  activeUserCount: z.number().nullish().transform((v) => v ?? 0),
  licensedUserCount: z.number().nullish().transform((v) => v ?? 0),
  controlScores: z.array(ControlScore).default([]),
});
export type SecureScore = z.infer<typeof SecureScore>;
/** Newest first: the first is today's. */
export const SECURE_SCORES = { url: "/security/secureScores?$top=1", schema: z.array(SecureScore) };

const ControlProfile = z.object({
  id: z.string(),
  title: nullableString,
  maxScore: z.number().nullish().transform((v) => v ?? 0),
  rank: z.number().nullish().transform((v) => v ?? Number.MAX_SAFE_INTEGER),
  deprecated: z.boolean().nullish().transform((v) => v ?? false),
});
export type ControlProfile = z.infer<typeof ControlProfile>;
export const CONTROL_PROFILES = {
  url: "/security/secureScoreControlProfiles",
  schema: z.array(ControlProfile),
};

export const COMPLIANCE_POLICIES = {
  url: "/deviceManagement/deviceCompliancePolicies?$expand=assignments",
  schema: z.array(z.object({
    id: z.string(),
    displayName: nullableString,
    assignments: z.array(z.unknown()).nullish().transform((v) => v ?? []),
  })),
};

const count = z.number().nullish().transform((v) => v ?? 0);
export const DEVICE_STATE_SUMMARY = {
  url: "/deviceManagement/deviceCompliancePolicyDeviceStateSummary",
  schema: z.object({
    compliantDeviceCount: count,
    nonCompliantDeviceCount: count,
    inGracePeriodCount: count,
    errorDeviceCount: count,
    conflictDeviceCount: count,
    unknownDeviceCount: count,
    remediatedDeviceCount: count,
    configManagerCount: count,
    notApplicableDeviceCount: count,
  }),
};

export const MANAGED_DEVICES = {
  url:
    "/deviceManagement/managedDevices?$select=id,deviceName,operatingSystem,userId,complianceState&$top=999",
  schema: z.array(z.object({
    id: z.string(),
    deviceName: nullableString,
    operatingSystem: nullableString,
    userId: nullableString,
    complianceState: nullableString,
  })),
};

export const RISKY_USERS = {
  url: "/identityProtection/riskyUsers?$top=500",
  schema: z.array(z.object({ id: z.string(), riskLevel: nullableString })),
};

/** Sign-ins since `since` (Graph keeps 30 days). */
export const signInsSince = (since: Date) => ({
  url: `/auditLogs/signIns?$filter=${
    encodeURIComponent(`createdDateTime ge ${since.toISOString()}`)
  }&$top=1000`,
  schema: z.array(z.object({
    userId: nullableString,
    status: z.object({ errorCode: z.number().nullish() }).nullish(),
  })),
});

export const REPORT_SETTINGS = {
  url: "/admin/reportSettings",
  schema: z.object({ displayConcealedNames: z.boolean() }),
};

const reportRows = z.array(z.record(z.string(), z.string()));
/** Microsoft 365 usage reports over the last 30 days (a 302 to a CSV download). */
export const usageReport = (name: string) => ({ url: `/reports/${name}(period='D30')`, schema: reportRows });
export const MAILBOX_USAGE = usageReport("getMailboxUsageDetail");
export const ONEDRIVE_USAGE = usageReport("getOneDriveUsageAccountDetail");
export const TEAMS_ACTIVITY = usageReport("getTeamsUserActivityUserDetail");
export const EMAIL_ACTIVITY = usageReport("getEmailActivityUserDetail");

/** Read a source and parse what came back. */
export async function read<T>(reads: GraphReads, source: Source<T>): Promise<Outcome<T>> {
  const outcome = source.beta ? await reads.beta(source.url) : await reads.get(source.url);
  if (!outcome.ok) return outcome;
  const parsed = source.schema.safeParse(outcome.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const path = source.url.split("?")[0];
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    failure: {
      status: "error",
      message: `Graph answered ${path} with an unexpected shape (${issue.path.join(".")}: ${issue.message})`,
    },
  };
}
