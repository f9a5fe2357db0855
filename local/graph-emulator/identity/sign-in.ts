// Which tenant a login path names, and which user /authorize signs in (there is no UI): the
// login_hint, else the user the control API set for that tenant (or `common`), else its admin.
import type { Runtime } from "../runtime.ts";
import type { Tenant, User } from "../world/types.ts";
import type { Knob } from "./state.ts";

export type TenantPath = { kind: "multi"; name: string } | { kind: "tenant"; tenant: Tenant } | {
  kind: "unknown";
};

const MULTI = ["common", "organizations", "consumers"];

export function resolveTenantPath(rt: Runtime, segment: string): TenantPath {
  const name = segment.toLowerCase();
  if (MULTI.includes(name)) return { kind: "multi", name };
  const tenant = rt.tenant(name);
  return tenant ? { kind: "tenant", tenant } : { kind: "unknown" };
}

export type SignIn = { user: User; tenant: Tenant } | { missing: string };

export function signInUser(rt: Runtime, path: TenantPath, loginHint: string | null): SignIn {
  const tenants = path.kind === "tenant" ? [path.tenant] : rt.world.tenants;
  if (loginHint) {
    const hint = loginHint.toLowerCase();
    for (const tenant of tenants) {
      const user = tenant.usersByUpn.get(hint) ??
        tenant.users.find((u) => u.graph.mail?.toLowerCase() === hint);
      if (user) return { user, tenant };
    }
    return { missing: loginHint };
  }
  const configured = rt.identity.signInUsers.get(path.kind === "tenant" ? path.tenant.id : "common");
  for (const tenant of tenants) {
    const user = configured ? tenant.usersById.get(configured) : undefined;
    if (user) return { user, tenant };
  }
  return { user: tenants[0].users[0], tenant: tenants[0] };
}

/** Whether a knob scoped by tenant/app/user applies to this request. */
export function knobApplies<T>(
  k: Knob<T>,
  tenant: Tenant | null,
  clientId: string,
  user: User | null,
): boolean {
  if (k.clientId && k.clientId.toLowerCase() !== clientId.toLowerCase()) return false;
  if (k.tenant && tenant && tenantKeys(tenant).every((key) => key !== k.tenant!.toLowerCase())) return false;
  if (
    k.user && user && ![user.id, user.graph.userPrincipalName.toLowerCase()].includes(k.user.toLowerCase())
  ) return false;
  return true;
}

function tenantKeys(t: Tenant): string[] {
  return [t.id, t.profile.initialDomain, ...t.profile.customDomains, "common"];
}
