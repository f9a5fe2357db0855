// Helpers for the posture tests: the default app with the extra application permissions posture
// reads need (consented per tenant through the control API), tenants by key, and the control
// API's ground truth for a tenant.
import { DEFAULT_APP, TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import { appToken, graph, type Harness } from "./harness.ts";

export type TenantKey = keyof typeof TENANT_IDS;

/** Roles the posture endpoints need beyond what the default app is consented for. */
export const POSTURE_ROLES = [
  "UserAuthenticationMethod.Read.All",
  "IdentityRiskyUser.Read.All",
  "ReportSettings.ReadWrite.All",
];

export async function postureToken(
  h: Harness,
  tenant: TenantKey = "contoso",
  roles = POSTURE_ROLES,
): Promise<string> {
  await h.control(
    `tenants/${TENANT_IDS[tenant]}/consents/${DEFAULT_APP.clientId}`,
    { appRoles: [...DEFAULT_APP.applicationPermissions, ...roles] },
    "PUT",
  );
  return await appToken(h, TENANT_IDS[tenant]);
}

export async function getJson<T = Record<string, unknown>>(
  h: Harness,
  path: string,
  token: string,
): Promise<T> {
  const r = await graph(h, path, token);
  const body = await r.json();
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(body)}`);
  return body as T;
}

export interface SummaryUser {
  id: string;
  userPrincipalName: string;
  kind: string;
  accountEnabled: boolean;
  isAdmin: boolean;
  perUserMfaState: string;
  isMfaRegistered: boolean;
  methodsRegistered: string[];
  conditionalAccess: { enforcedBy: string[]; conditionalBy: string[]; reportOnlyBy: string[] };
  groups: string[];
  devices: number;
}

export interface PostureSummary {
  tenantId: string;
  licensing: { entraP1: boolean; entraP2: boolean; intune: boolean };
  securityDefaults: boolean;
  reportSettings: { displayConcealedNames: boolean };
  skus: {
    skuPartNumber: string;
    skuId: string;
    displayName: string;
    free: boolean;
    capabilityStatus: string;
    consumedUnits: number;
    prepaidUnits: { enabled: number; warning: number; suspended: number };
  }[];
  conditionalAccess: { id: string; displayName: string; state: string; requiresMfa: string }[];
  groups: {
    id: string;
    key: string;
    displayName: string;
    memberUserIds: string[];
    memberGroupIds: string[];
  }[];
  devices: Record<string, number>;
  secureScore: { days: number };
  users: SummaryUser[];
}

export function summary(h: Harness, tenant: TenantKey): Promise<PostureSummary> {
  return h.control<PostureSummary>(`posture/tenants/${TENANT_IDS[tenant]}`);
}

/** Every page of a collection, following @odata.nextLink. */
export async function allPages<T = Record<string, unknown>>(
  h: Harness,
  path: string,
  token: string,
): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = path;
  while (next) {
    const page: { value: T[]; "@odata.nextLink"?: string } = await getJson(h, next, token);
    out.push(...page.value);
    next = page["@odata.nextLink"];
  }
  return out;
}
