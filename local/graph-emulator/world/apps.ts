// App registrations and consent: the default product app, and what tenants have granted.
import { DEFAULT_APP } from "../defaults.ts";
import type { Random } from "../core/random.ts";
import type { AppRegistration, Consent, Tenant } from "./types.ts";

const YEAR = 365 * 86_400_000;

export function defaultApp(epoch: number): AppRegistration {
  return {
    clientId: DEFAULT_APP.clientId,
    displayName: DEFAULT_APP.displayName,
    publicClient: false,
    redirectUris: [...DEFAULT_APP.redirectUris],
    secrets: [{
      keyId: DEFAULT_APP.secretKeyId,
      hint: DEFAULT_APP.clientSecret.slice(0, 3),
      value: DEFAULT_APP.clientSecret,
      endDateTime: epoch + 100 * YEAR,
    }],
    homeTenantId: null,
    requiredPermissions: {
      application: [...DEFAULT_APP.applicationPermissions],
      delegated: [...DEFAULT_APP.delegatedScopes],
    },
  };
}

/** Tenant-wide admin consent to everything the app asks for (what "Grant admin consent" does). */
export function grantAdminConsent(tenant: Tenant, app: AppRegistration, random: Random): Consent {
  const consent = tenant.consents.get(app.clientId) ?? {
    clientId: app.clientId,
    servicePrincipalId: random.uuid(),
    appRoles: [],
    adminScopes: [],
    userScopes: new Map(),
  };
  consent.appRoles = union(consent.appRoles, app.requiredPermissions.application);
  consent.adminScopes = union(consent.adminScopes, app.requiredPermissions.delegated);
  tenant.consents.set(app.clientId, consent);
  return consent;
}

/** Case-insensitive union that keeps the first spelling seen, as Entra does for scopes. */
export function union(a: readonly string[], b: readonly string[]): string[] {
  const out = [...a];
  const seen = new Set(a.map((s) => s.toLowerCase()));
  for (const s of b) {
    if (!seen.has(s.toLowerCase())) {
      seen.add(s.toLowerCase());
      out.push(s);
    }
  }
  return out;
}

export function findApp(apps: readonly AppRegistration[], clientId: string): AppRegistration | undefined {
  const id = clientId.toLowerCase();
  return apps.find((a) => a.clientId.toLowerCase() === id);
}
