// Builds the world from (seed, size): same inputs, same world. Other generators (mail, posture)
// run after the directory exists, each with its own random stream and options.
import { Random } from "../core/random.ts";
import { isoSeconds } from "../core/time-format.ts";
import { defaultApp, grantAdminConsent } from "./apps.ts";
import { TENANT_PROFILES } from "./profiles.ts";
import type { Size, Tenant, TenantProfile, World } from "./types.ts";
import { generateUsers } from "./users.ts";

/** Generated history ends here; a fixed date keeps worlds identical across days. */
export const WORLD_EPOCH = Date.UTC(2026, 0, 1);

export interface GenerateContext {
  world: World;
  /** This generator's own stream, derived from the seed and the generator's name. */
  random: Random;
  /** What the caller of reset passed under this generator's name (e.g. a mailbox size). */
  options: unknown;
}

export interface WorldGenerator {
  name: string;
  generate(ctx: GenerateContext): void;
}

export function generateWorld(
  seed: number,
  size: Size,
  generators: readonly WorldGenerator[] = [],
  options: Record<string, unknown> = {},
): World {
  const root = new Random(`m365-edge/${seed}`);
  const world: World = {
    seed,
    size,
    epoch: WORLD_EPOCH,
    tenants: [],
    apps: [defaultApp(WORLD_EPOCH)],
    slots: new Map(),
  };
  for (const profile of TENANT_PROFILES) {
    const random = root.fork(`tenant/${profile.key}`);
    const tenant = buildTenant(random, profile, size, world.epoch);
    for (const app of world.apps) grantAdminConsent(tenant, app, random.fork(`consent/${app.clientId}`));
    world.tenants.push(tenant);
  }
  for (const g of generators) {
    g.generate({ world, random: root.fork(`generator/${g.name}`), options: options[g.name] });
  }
  return world;
}

function buildTenant(random: Random, profile: TenantProfile, size: Size, epoch: number): Tenant {
  const users = generateUsers(random.fork("users"), profile, profile.users[size], epoch);
  const created = epoch - random.int(800, 3000) * 86_400_000;
  const tenant: Tenant = {
    id: profile.id,
    profile,
    organization: organization(profile, created),
    users,
    usersById: new Map(),
    usersByUpn: new Map(),
    consents: new Map(),
  };
  for (const u of users) indexUser(tenant, u);
  return tenant;
}

export function indexUser(tenant: Tenant, user: Tenant["users"][number]): void {
  tenant.usersById.set(user.id, user);
  tenant.usersByUpn.set(user.graph.userPrincipalName.toLowerCase(), user);
}

function organization(p: TenantProfile, created: number): Record<string, unknown> {
  const domains = [p.initialDomain, ...p.customDomains];
  const admin = `admin@${p.initialDomain}`;
  return {
    id: p.id,
    deletedDateTime: null,
    businessPhones: [p.phone],
    city: p.address.city,
    country: null,
    countryLetterCode: p.address.countryLetterCode,
    createdDateTime: isoSeconds(created),
    defaultUsageLocation: null,
    displayName: p.displayName,
    marketingNotificationEmails: [],
    mobileDeviceManagementAuthority: p.features.intune ? "intune" : "unknown",
    onPremisesLastSyncDateTime: null,
    onPremisesSyncEnabled: null,
    partnerTenantType: null,
    postalCode: p.address.postalCode,
    preferredLanguage: p.locale.slice(0, 2),
    privacyProfile: null,
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: p.address.state,
    street: p.address.street,
    technicalNotificationMails: [admin],
    tenantType: "AAD",
    assignedPlans: [],
    provisionedPlans: [],
    verifiedDomains: domains.map((name) => ({
      capabilities: "Email, OfficeCommunicationsOnline",
      isDefault: name === p.customDomains[0],
      isInitial: name === p.initialDomain,
      name,
      type: "Managed",
    })),
  };
}
