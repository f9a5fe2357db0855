// Control routes for the directory: app registrations, secrets, consent, sign-in users, revocation.
import type { Hono } from "hono";
import { z } from "zod";
import { randomToken } from "../identity/keys.ts";
import {
  APPLICATION_ROLES,
  canonicalDelegated,
  canonicalRole,
  OIDC_SCOPES,
} from "../identity/permissions.ts";
import type { Runtime } from "../runtime.ts";
import { findApp, grantAdminConsent, union } from "../world/apps.ts";
import type { AppRegistration, Tenant, User } from "../world/types.ts";
import { InputError, readJson } from "./input.ts";

const DAY = 86_400_000;

const AppInput = z.object({
  displayName: z.string().min(1),
  clientId: z.uuid().optional(),
  redirectUris: z.array(z.string()).default([]),
  publicClient: z.boolean().default(false),
  /** Tenant id or domain: a single-tenant app. Absent: multi-tenant. */
  homeTenant: z.string().optional(),
  permissions: z.object({
    application: z.array(z.string()).default([]),
    delegated: z.array(z.string()).default([]),
  })
    .default({ application: [], delegated: [] }),
  /** Tenants (ids or domains) where an admin grants consent now; "all" for every tenant. */
  adminConsent: z.union([z.literal("all"), z.array(z.string())]).default([]),
});

const SecretInput = z.object({
  endDateTime: z.iso.datetime().optional(),
  expiresInDays: z.number().positive().optional(),
});
const ConsentInput = z.object({
  appRoles: z.array(z.string()).default([]),
  adminScopes: z.array(z.string()).default([]),
});

export function directoryRoutes(app: Hono, rt: Runtime): void {
  const tenantOf = (key: string): Tenant => {
    const t = rt.tenant(key);
    if (!t) throw new InputError(`unknown tenant '${key}'`);
    return t;
  };
  const appOf = (clientId: string): AppRegistration => {
    const a = findApp(rt.world.apps, clientId);
    if (!a) throw new InputError(`unknown app '${clientId}'`);
    return a;
  };

  app.get("/world", (c) => c.json(worldSummary(rt)));

  app.post("/apps", async (c) => {
    const input = await readJson(c, AppInput);
    const clientId = input.clientId ?? crypto.randomUUID();
    if (findApp(rt.world.apps, clientId)) throw new InputError(`app '${clientId}' exists`);
    const registration: AppRegistration = {
      clientId,
      displayName: input.displayName,
      publicClient: input.publicClient,
      redirectUris: input.redirectUris,
      secrets: [],
      homeTenantId: input.homeTenant ? tenantOf(input.homeTenant).id : null,
      requiredPermissions: {
        application: input.permissions.application.map(roleName),
        delegated: input.permissions.delegated.map(scopeName),
      },
    };
    rt.world.apps.push(registration);
    const secret = input.publicClient ? null : addSecret(registration, rt.clock.now() + 2 * 365 * DAY);
    const tenants = input.adminConsent === "all" ? rt.world.tenants : input.adminConsent.map(tenantOf);
    for (const t of tenants) grantAdminConsent(t, registration, rt.random);
    return c.json({ ...appSummary(registration), clientSecret: secret?.value ?? null }, 201);
  });

  app.patch("/apps/:clientId", async (c) => {
    const a = appOf(c.req.param("clientId"));
    const input = await readJson(
      c,
      z.object({
        redirectUris: z.array(z.string()).optional(),
        addRedirectUris: z.array(z.string()).default([]),
      }),
    );
    a.redirectUris = union(input.redirectUris ?? a.redirectUris, input.addRedirectUris);
    return c.json(appSummary(a));
  });

  app.post("/apps/:clientId/secrets", async (c) => {
    const a = appOf(c.req.param("clientId"));
    const input = await readJson(c, SecretInput);
    const end = input.endDateTime
      ? Date.parse(input.endDateTime)
      : rt.clock.now() + (input.expiresInDays ?? 730) * DAY;
    const s = addSecret(a, end);
    return c.json({
      keyId: s.keyId,
      hint: s.hint,
      value: s.value,
      endDateTime: new Date(s.endDateTime).toISOString(),
    }, 201);
  });

  app.patch("/apps/:clientId/secrets/:keyId", async (c) => {
    const s = appOf(c.req.param("clientId")).secrets.find((x) => x.keyId === c.req.param("keyId"));
    if (!s) throw new InputError("unknown secret");
    const input = await readJson(
      c,
      z.object({ endDateTime: z.iso.datetime().optional(), expire: z.boolean().optional() }),
    );
    s.endDateTime = input.expire
      ? rt.clock.now()
      : input.endDateTime
      ? Date.parse(input.endDateTime)
      : s.endDateTime;
    return c.json({ keyId: s.keyId, endDateTime: new Date(s.endDateTime).toISOString() });
  });

  app.delete("/apps/:clientId/secrets/:keyId", (c) => {
    const a = appOf(c.req.param("clientId"));
    a.secrets = a.secrets.filter((x) => x.keyId !== c.req.param("keyId"));
    return c.body(null, 204);
  });

  app.put("/tenants/:tenant/consents/:clientId", async (c) => {
    const t = tenantOf(c.req.param("tenant"));
    const a = appOf(c.req.param("clientId"));
    const input = await readJson(c, ConsentInput);
    const consent = grantAdminConsent(
      t,
      { ...a, requiredPermissions: { application: [], delegated: [] } },
      rt.random,
    );
    consent.appRoles = input.appRoles.map(roleName);
    consent.adminScopes = input.adminScopes.map(scopeName);
    return c.json({ ...consent, userScopes: Object.fromEntries(consent.userScopes) });
  });

  app.delete("/tenants/:tenant/consents/:clientId", (c) => {
    tenantOf(c.req.param("tenant")).consents.delete(appOf(c.req.param("clientId")).clientId);
    return c.body(null, 204);
  });

  app.put("/identity/sign-in", async (c) => {
    const input = await readJson(c, z.object({ tenant: z.string(), user: z.string() }));
    const tenants = input.tenant.toLowerCase() === "common" ? rt.world.tenants : [tenantOf(input.tenant)];
    const user = tenants.map((t) => findUser(t, input.user)).find((u) => u);
    if (!user) throw new InputError(`unknown user '${input.user}'`);
    rt.identity.signInUsers.set(input.tenant.toLowerCase() === "common" ? "common" : tenants[0].id, user.id);
    return c.json({ tenant: input.tenant, user: user.graph.userPrincipalName, id: user.id });
  });

  app.post("/identity/revoke", async (c) => {
    const input = await readJson(c, z.object({ user: z.string() }));
    const user = rt.world.tenants.map((t) => findUser(t, input.user)).find((u) => u);
    if (!user) throw new InputError(`unknown user '${input.user}'`);
    // Like revokeSignInSessions: refresh tokens issued before now fail with AADSTS50173.
    user.tokensValidFrom = rt.clock.now();
    user.graph.signInSessionsValidFromDateTime = new Date(user.tokensValidFrom).toISOString().replace(
      /\.\d+Z$/,
      "Z",
    );
    return c.json({
      user: user.graph.userPrincipalName,
      tokensValidFrom: new Date(user.tokensValidFrom).toISOString(),
    });
  });
}

function findUser(t: Tenant, key: string): User | undefined {
  return t.usersById.get(key) ?? t.usersByUpn.get(key.toLowerCase());
}

function addSecret(a: AppRegistration, endDateTime: number) {
  const value = randomToken(`${randomToken("", 2).slice(0, 3)}8Q~`, 27).slice(0, 40);
  const secret = { keyId: crypto.randomUUID(), hint: value.slice(0, 3), value, endDateTime };
  a.secrets.push(secret);
  return secret;
}

function roleName(role: string): string {
  const r = canonicalRole(role);
  if (!r) {
    throw new InputError(`unknown application permission '${role}' (known: ${APPLICATION_ROLES.join(", ")})`);
  }
  return r;
}

function scopeName(scope: string): string {
  const s = (OIDC_SCOPES as readonly string[]).includes(scope.toLowerCase())
    ? scope.toLowerCase()
    : canonicalDelegated(scope);
  if (!s) throw new InputError(`unknown delegated permission '${scope}'`);
  return s;
}

function appSummary(a: AppRegistration) {
  return {
    clientId: a.clientId,
    displayName: a.displayName,
    publicClient: a.publicClient,
    redirectUris: a.redirectUris,
    homeTenantId: a.homeTenantId,
    requiredPermissions: a.requiredPermissions,
    secrets: a.secrets.map((s) => ({
      keyId: s.keyId,
      hint: s.hint,
      endDateTime: new Date(s.endDateTime).toISOString(),
    })),
  };
}

function worldSummary(rt: Runtime) {
  const w = rt.world;
  return {
    seed: w.seed,
    size: w.size,
    epoch: new Date(w.epoch).toISOString(),
    apps: w.apps.map(appSummary),
    tenants: w.tenants.map((t) => ({
      id: t.id,
      key: t.profile.key,
      displayName: t.profile.displayName,
      kind: t.profile.kind,
      initialDomain: t.profile.initialDomain,
      customDomains: t.profile.customDomains,
      features: t.profile.features,
      skuPartNumbers: t.profile.skuPartNumbers,
      consents: [...t.consents.values()].map((c) => ({ ...c, userScopes: Object.fromEntries(c.userScopes) })),
      users: t.users.map((u) => ({
        id: u.id,
        userPrincipalName: u.graph.userPrincipalName,
        displayName: u.graph.displayName,
        mail: u.graph.mail,
        kind: u.kind,
        accountEnabled: u.graph.accountEnabled,
        roles: u.roles,
        licensed: u.licensed,
        mailbox: u.mailbox?.purpose ?? null,
      })),
    })),
  };
}
