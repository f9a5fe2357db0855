// What the posture tests share: an account of their own with an emulator app of their own (so
// fault rules and per-app throttles touch nobody else), organizations for the emulated tenants
// with sealed app-only credentials, the cache functions through the gateway, the live computation
// in-process, and the emulator's ground truth to judge both by.
import type postgres from "postgres";
import { DEFAULT_APP, TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import { storeCredentials } from "../../supabase/functions/_shared/app-credentials.ts";
import { asService } from "../../supabase/functions/_shared/db.ts";
import type { DatasetName, Organization } from "../../supabase/functions/_shared/posture/dataset.ts";
import { DATASETS } from "../../supabase/functions/_shared/posture/datasets.ts";
import { liveFacts, liveView } from "../../supabase/functions/_shared/posture/refresh.ts";
import { emulator, freshAccount, type Invocation, invoke } from "./stack.ts";
import type { PostureSummary } from "../emulator/posture-support.ts";

export type TenantKey = keyof typeof TENANT_IDS;
export const TENANTS = Object.keys(TENANT_IDS) as TenantKey[];

/** The posture reads' application permissions (the default app's, without mail). */
export const POSTURE_PERMISSIONS = DEFAULT_APP.applicationPermissions.filter((p) => !p.startsWith("Mail"));

export interface App {
  clientId: string;
  clientSecret: string;
}

/** A multi-tenant app of the test's own, consented in every emulated tenant. */
export async function postureApp(
  label: string,
  permissions: readonly string[] = POSTURE_PERMISSIONS,
): Promise<App> {
  return await emulator("apps", {
    body: {
      displayName: `posture ${label} (test)`,
      permissions: { application: [...permissions] },
      adminConsent: "all",
    },
  });
}

/** An organization of the account for an emulated tenant, with credentials stored the real way. */
export async function postureOrganization(
  sql: postgres.Sql,
  accountId: string,
  tenant: TenantKey,
  app: App,
  secret = app.clientSecret,
): Promise<Organization> {
  const [org] = await sql`insert into public.organizations (account_id, organization_name, domain)
    values (${accountId}, ${`${tenant} (posture test)`}, ${`${tenant}.com`}) returning id, account_id`;
  await asService((tx) =>
    storeCredentials(tx, {
      account_id: accountId,
      organization_id: String(org.id),
      tenant_id: TENANT_IDS[tenant],
      client_id: app.clientId,
      client_secret: secret,
    })
  );
  return { id: String(org.id), account_id: org.account_id };
}

export async function postureAccount(sql: postgres.Sql, label: string, tenants: TenantKey[] = TENANTS) {
  const account = await freshAccount(sql, label);
  const app = await postureApp(label);
  const orgs = {} as Record<TenantKey, Organization>;
  for (const tenant of tenants) orgs[tenant] = await postureOrganization(sql, account.accountId, tenant, app);
  return { ...account, app, orgs };
}

/** cache-write-<target> as the session's user. */
export function write(target: DatasetName | "all", session: string, org: Organization): Promise<Invocation> {
  return invoke(`cache-write-${target}`, { session, body: { clientId: org.id } });
}

const READ_SLUG: Record<DatasetName, string> = {
  compliance: "cache-read-compliance",
  mfa: "cache-read-mfa",
  licenses: "cache-read-licenses",
  "secure-score": "cache-read-secure-score",
  users: "cache-read-users-list",
  "user-details": "cache-read-user-details",
};

export function read(
  dataset: DatasetName,
  session: string,
  org: Organization,
  extra: Record<string, string> = {},
): Promise<Invocation> {
  return invoke(READ_SLUG[dataset], { session, query: { clientId: org.id, ...extra } });
}

/** The same data computed from Graph now, measured at `fetchedAt` (what the cache answered). */
export function live(org: Organization, dataset: DatasetName, fetchedAt: string, userId?: string) {
  // deno-lint-ignore no-explicit-any
  return liveView(org, dataset, { now: new Date(fetchedAt), params: { userId } }) as Promise<any>;
}

/** Every person's details computed from Graph now (one read of the tenant), viewed per person. */
export async function liveDetails(org: Organization, fetchedAt: string) {
  const facts = await liveFacts(org, "user-details", { now: new Date(fetchedAt) });
  // deno-lint-ignore no-explicit-any
  return (userId: string): any => DATASETS["user-details"].view(facts, { userId });
}

/** The emulator's posture summary of a tenant (GET /_emulator/posture/tenants/:tenant). */
export type { PostureSummary as Truth, SummaryUser as TruthUser } from "../emulator/posture-support.ts";

/** The emulator's ground truth for a tenant (its own evaluation of MFA, licences, devices). */
export function truth(tenant: TenantKey): Promise<PostureSummary> {
  return emulator(`posture/tenants/${tenant}`);
}

/** A Graph v1.0 read with the app's own token, straight at the emulator (for expected values). */
export async function graphGet<T = Record<string, unknown>>(
  app: App,
  tenant: TenantKey,
  path: string,
): Promise<T> {
  return JSON.parse(await graphText(app, tenant, path));
}

/** The same, as text (a usage report's CSV: fetch follows the 302 and drops the token). */
export async function graphText(app: App, tenant: TenantKey, path: string): Promise<string> {
  const base = Deno.env.get("EMULATOR_URL")!;
  const token = await fetch(`${base}/${TENANT_IDS[tenant]}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    }),
  }).then((r) => r.json());
  for (let attempt = 0;; attempt++) {
    const res = await fetch(`${base}/v1.0${path}`, {
      headers: { Authorization: `Bearer ${token.access_token}` },
    });
    // Other tests read the same tenants: wait out Graph's per-tenant throttles.
    if (res.status === 429 && attempt < 8) {
      await res.body?.cancel();
      const wait = Number(res.headers.get("retry-after")) || 1 + 2 * Math.random();
      await new Promise((r) => setTimeout(r, wait * 1000));
      continue;
    }
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return await res.text();
  }
}

/** "56.4%" / "23%" for a share, as the dashboards show it. */
export const percentOf = (part: number, whole: number) =>
  `${whole ? Math.round(part / whole * 1000) / 10 : 0}%`;
