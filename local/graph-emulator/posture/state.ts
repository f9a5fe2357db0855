// The posture world: per-tenant security data the posture generator adds to the directory, kept in
// a world slot. Graph payloads are rendered from it per request, so counts derived from several
// places (consumedUnits, registration details, device summaries) always agree.
import type { Tenant, World } from "../world/types.ts";
import { Slot } from "../world/slots.ts";
import type { SkuDefinition } from "./catalogue/skus.ts";

export type SubscriptionStatus = "Enabled" | "Warning" | "Suspended";

export interface Subscription {
  id: string;
  commerceSubscriptionId: string;
  createdDateTime: number;
  nextLifecycleDateTime: number;
  isTrial: boolean;
  status: SubscriptionStatus;
  totalLicenses: number;
}

export interface TenantSku {
  sku: SkuDefinition;
  subscriptions: Subscription[];
}

export type PerUserMfaState = "disabled" | "enabled" | "enforced";

/** A Graph authenticationMethod payload (`@odata.type`, `id`, …). */
export type AuthMethod = Record<string, unknown> & { "@odata.type": string; id: string };

export interface UserAuth {
  methods: AuthMethod[];
  perUserMfaState: PerUserMfaState;
  /** userRegistrationDetails.lastUpdatedDateTime */
  updated: number;
}

export interface PostureGroup {
  id: string;
  /** `dept:<Department>`, `allStaff` or a catalogue/groups.ts key. */
  key: string;
  displayName: string;
  description: string;
  mailNickname: string;
  unified: boolean;
  isAssignableToRole: boolean;
  createdDateTime: number;
  memberUserIds: string[];
  memberGroupIds: string[];
}

/** One Secure Score control on one day. */
export interface ControlDay {
  controlName: string;
  share: number;
  count: number | null;
  total: number | null;
  /** When the control reached this state. */
  since: number;
}

export interface SecureScoreDay {
  createdDateTime: number;
  activeUserCount: number;
  licensedUserCount: number;
  enabledServices: string[];
  controls: ControlDay[];
  comparatives: Record<string, unknown>[];
}

export interface PostureTenant {
  tenantId: string;
  key: string;
  /** Entra ID P2 (risky users, risk policies). P1, Intune and security defaults are the directory
   * profile's features (tenant.profile.features), which the posture generator copies per world. */
  entraP2: boolean;
  skus: TenantSku[];
  /** Service plan ids the licensing switch turned off in this tenant. */
  disabledPlanIds: string[];
  auth: Map<string, UserAuth>;
  ssprEnabled: boolean;
  groups: PostureGroup[];
  /** Role template id → the tenant's activated directoryRole object id. */
  directoryRoleIds: Map<string, string>;
  /** conditionalAccessPolicy payloads. */
  policies: Record<string, unknown>[];
  /** Newest first. */
  secureScores: SecureScoreDay[];
  /** controlName → controlStateUpdates entries other than the default. */
  controlStates: Map<string, Record<string, unknown>>;
  /** managedDevice payloads. */
  devices: Record<string, unknown>[];
  /** deviceCompliancePolicy payloads (derived types). */
  compliancePolicies: Record<string, unknown>[];
  deviceStateSummaryId: string;
  /** signIn payloads, newest first. */
  signIns: Record<string, unknown>[];
  /** riskyUser payloads. */
  riskyUsers: Record<string, unknown>[];
  usage: Map<string, UserUsage>;
  concealedNames: boolean;
}

/** Per-user figures the usage reports are rendered from. */
export interface UserUsage {
  mailbox: {
    itemCount: number;
    storageUsed: number;
    deletedItemCount: number;
    deletedItemSize: number;
    quota: number;
    hasArchive: boolean;
    lastActivity: number | null;
  } | null;
  oneDrive: {
    siteUrl: string;
    fileCount: number;
    activeFileShare: number;
    storageUsed: number;
    storageAllocated: number;
    lastActivity: number | null;
  } | null;
  /** Daily rates; report counts are rate × days of the period. */
  teams: {
    chatPerDay: number;
    privateChatPerDay: number;
    callsPerDay: number;
    meetingsPerDay: number;
    lastActivity: number | null;
  } | null;
  email:
    | { sendPerDay: number; receivePerDay: number; readPerDay: number; lastActivity: number | null }
    | null;
}

export interface PostureWorld {
  tenants: Map<string, PostureTenant>;
}

export const POSTURE = new Slot<PostureWorld>("posture");

export function postureOf(world: World, tenant: Tenant): PostureTenant {
  const p = POSTURE.get(world).tenants.get(tenant.id);
  if (!p) throw new Error(`no posture for tenant ${tenant.id}`);
  return p;
}
