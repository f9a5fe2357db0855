// Sign-in logs (the last 30 days, as Entra ID keeps them) and Identity Protection's risky users.
// Each user's newest sign-in is the core's lastSignIn, with the request id signInActivity reports;
// conditional access results are evaluated against the tenant's policies.
import type { Random } from "../../core/random.ts";
import { isoSeconds } from "../../core/time-format.ts";
import type { Tenant, User } from "../../world/types.ts";
import type { Membership } from "./groups.ts";
import { mfaRequirement, targetsUser, view } from "./conditional-access.ts";

const DAY = 86_400_000;
const RETENTION_DAYS = 30;

const APPS = [
  { appId: "00000002-0000-0ff1-ce00-000000000000", appDisplayName: "Office 365 Exchange Online" },
  { appId: "1fec8e78-bce4-4aaf-ab1b-5451cc387264", appDisplayName: "Microsoft Teams" },
  { appId: "4765445b-32c6-49b0-83e6-1d93765276ca", appDisplayName: "OfficeHome" },
  { appId: "d3590ed6-52b3-4102-aeff-aad2292ab01c", appDisplayName: "Microsoft Office" },
];

const PLACES: Record<
  string,
  { city: string; state: string | null; country: string; lat: number; lon: number; ip: string }
> = {
  contoso: { city: "Redmond", state: "Washington", country: "US", lat: 47.674, lon: -122.121, ip: "131.107" },
  fabrikam: { city: "Munich", state: "Bayern", country: "DE", lat: 48.137, lon: 11.575, ip: "91.64" },
  northwind: { city: "London", state: "London", country: "GB", lat: 51.507, lon: -0.128, ip: "81.2" },
  tailspin: {
    city: "Lyon",
    state: "Auvergne-Rhône-Alpes",
    country: "FR",
    lat: 45.764,
    lon: 4.836,
    ip: "90.63",
  },
};

/** The request id the core's signInActivity gives a user's last sign-in. */
export function lastSignInRequestId(user: User): string {
  return `${user.id.slice(0, 24)}${user.id.slice(-12)}`;
}

interface Attempt {
  at: number;
  id: string;
  app: (typeof APPS)[number];
  legacy: boolean;
  risky: boolean;
  wrongPassword: boolean;
}

export function buildSignIns(
  tenant: Tenant,
  policies: readonly Record<string, unknown>[],
  membership: Membership,
  riskyUserIds: ReadonlySet<string>,
  random: Random,
  epoch: number,
): Record<string, unknown>[] {
  const since = epoch - RETENTION_DAYS * DAY;
  const out: Record<string, unknown>[] = [];
  for (const user of tenant.users) {
    if (user.lastSignIn === null || user.lastSignIn < since) continue;
    const r = random.fork(user.id);
    const attempts: Attempt[] = [{
      at: user.lastSignIn,
      id: lastSignInRequestId(user),
      app: r.pick(APPS),
      legacy: false,
      risky: false,
      wrongPassword: false,
    }];
    for (let i = r.int(0, 5); i > 0; i--) {
      attempts.push({
        at: since + Math.floor(r.next() * (user.lastSignIn - since)),
        id: r.uuid(),
        app: r.pick(APPS),
        legacy: r.chance(0.06),
        risky: riskyUserIds.has(user.id) && i === 1,
        wrongPassword: r.chance(0.08),
      });
    }
    for (const a of attempts) out.push(signIn(tenant, user, a, policies, membership, r));
  }
  return out.sort((a, b) => String(b.createdDateTime).localeCompare(String(a.createdDateTime)));
}

function signIn(
  tenant: Tenant,
  user: User,
  a: Attempt,
  policies: readonly Record<string, unknown>[],
  membership: Membership,
  random: Random,
): Record<string, unknown> {
  const place = PLACES[tenant.profile.key] ?? PLACES.contoso;
  const applied = policies.map((p) => applied1(p, user, a, membership));
  const blocked = applied.some((p) => p.result === "failure");
  const mfa = applied.some((p) => p.result === "success" && p.enforcedGrantControls.length > 0);
  const status = a.wrongPassword
    ? {
      errorCode: 50126,
      failureReason: "Error validating credentials due to invalid username or password.",
      additionalDetails: null,
    }
    : blocked
    ? {
      errorCode: 53003,
      failureReason: "Access has been blocked by Conditional Access policies.",
      additionalDetails: null,
    }
    : {
      errorCode: 0,
      failureReason: "Other.",
      additionalDetails: mfa ? "MFA requirement satisfied by claim in the token" : null,
    };
  const anyApplied = applied.some((p) => p.result === "success" || p.result === "failure");
  const risk = a.risky ? "high" : "none";
  return {
    id: a.id,
    createdDateTime: isoSeconds(a.at),
    userDisplayName: user.graph.displayName,
    userPrincipalName: user.graph.userPrincipalName,
    userId: user.id,
    appId: a.app.appId,
    appDisplayName: a.app.appDisplayName,
    ipAddress: `${place.ip}.${random.int(1, 254)}.${random.int(1, 254)}`,
    clientAppUsed: a.legacy
      ? "Exchange ActiveSync"
      : random.pick(["Browser", "Mobile Apps and Desktop clients"]),
    correlationId: random.uuid(),
    conditionalAccessStatus: a.wrongPassword || !anyApplied ? "notApplied" : blocked ? "failure" : "success",
    isInteractive: true,
    riskDetail: "none",
    riskLevelAggregated: risk,
    riskLevelDuringSignIn: risk,
    riskState: a.risky ? "atRisk" : "none",
    riskEventTypes: a.risky ? ["unfamiliarFeatures"] : [],
    riskEventTypes_v2: a.risky ? ["unfamiliarFeatures"] : [],
    resourceDisplayName: a.app.appDisplayName === "Microsoft Teams"
      ? "Microsoft Teams Services"
      : "Microsoft Graph",
    resourceId: "00000003-0000-0000-c000-000000000000",
    resourceTenantId: tenant.id,
    homeTenantId: user.kind === "guest" ? "9188040d-6c67-4c5b-b112-36a304b66dad" : tenant.id,
    status,
    deviceDetail: {
      deviceId: "",
      displayName: "",
      operatingSystem: random.pick(["Windows10", "Ios", "Android", "MacOs"]),
      browser: a.legacy ? "" : random.pick(["Edge 131.0.0", "Chrome 131.0.0", "Safari 18.1"]),
      isCompliant: false,
      isManaged: false,
      trustType: "",
    },
    location: {
      city: place.city,
      state: place.state,
      countryOrRegion: place.country,
      geoCoordinates: { altitude: null, latitude: place.lat, longitude: place.lon },
    },
    appliedConditionalAccessPolicies: applied,
  };
}

interface Applied {
  id: string;
  displayName: string;
  enforcedGrantControls: string[];
  enforcedSessionControls: string[];
  result: string;
}

const GRANT_NAMES: Record<string, string> = {
  mfa: "Mfa",
  block: "Block",
  compliantDevice: "RequireCompliantDevice",
};

function applied1(policy: Record<string, unknown>, user: User, a: Attempt, membership: Membership): Applied {
  const p = view(policy);
  const base = {
    id: p.id,
    displayName: p.displayName,
    enforcedGrantControls: [],
    enforcedSessionControls: [],
  };
  if (p.state === "disabled") return { ...base, result: "notEnabled" };
  const c = p.conditions;
  const legacyOnly = c.clientAppTypes.every((t) => t === "exchangeActiveSync" || t === "other");
  const applies = targetsUser(policy, user, membership) &&
    c.applications.includeApplications.some((app) => app === "All" || app === a.app.appId) &&
    (c.clientAppTypes.includes("all") || legacyOnly === a.legacy) &&
    (c.signInRiskLevels.length === 0 || a.risky) && c.locations === null;
  const reportOnly = p.state === "enabledForReportingButNotEnforced";
  if (!applies) return { ...base, result: reportOnly ? "reportOnlyNotApplied" : "notApplied" };
  const grant = p.grantControls!;
  const controls = grant.authenticationStrength
    ? ["RequireAuthenticationStrength"]
    : grant.builtInControls.map((b) => GRANT_NAMES[b] ?? b);
  const block = grant.builtInControls.includes("block");
  if (reportOnly) {
    return {
      ...base,
      result: block
        ? "reportOnlyFailure"
        : mfaRequirement(policy) === "none"
        ? "reportOnlySuccess"
        : "reportOnlyInterrupted",
    };
  }
  return { ...base, enforcedGrantControls: controls, result: block ? "failure" : "success" };
}

/** Identity Protection's view (P2): a few people at risk, remediated, dismissed or compromised. */
export function buildRiskyUsers(
  tenant: Tenant,
  count: number,
  random: Random,
  epoch: number,
): Record<string, unknown>[] {
  const states = [
    { riskLevel: "high", riskState: "atRisk", riskDetail: "none" },
    { riskLevel: "medium", riskState: "atRisk", riskDetail: "none" },
    { riskLevel: "none", riskState: "remediated", riskDetail: "userPerformedSecuredPasswordChange" },
    { riskLevel: "none", riskState: "dismissed", riskDetail: "adminDismissedAllRiskForUser" },
    { riskLevel: "high", riskState: "confirmedCompromised", riskDetail: "adminConfirmedUserCompromised" },
  ];
  const candidates = tenant.users.filter((u) =>
    u.kind === "member" && u.graph.accountEnabled && u.roles.length === 0 && u.lastSignIn !== null
  );
  return random.shuffle(candidates).slice(0, count).map((user, i) => ({
    id: user.id,
    isDeleted: false,
    isProcessing: false,
    ...states[i % states.length],
    riskLastUpdatedDateTime: isoSeconds(epoch - random.int(1, 25) * DAY - random.int(0, 86_399) * 1000),
    userDisplayName: user.graph.displayName,
    userPrincipalName: user.graph.userPrincipalName,
  }));
}
