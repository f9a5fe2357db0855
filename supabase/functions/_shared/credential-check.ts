// Checking an organization's app-only credentials for real: get a client-credentials token now
// (validate), and optionally use it on Graph (test-token-generation, as the seeds call it).
import { decodeJwt } from "jose";
import type { UserClaims } from "./auth.ts";
import { appOnlyToken, credentialStatus } from "./app-credentials.ts";
import { asUser, sql } from "./db.ts";
import { NotFound } from "./errors.ts";
import { appGraph } from "./graph.ts";
import { requireRole } from "./membership.ts";

async function adminOf(claims: UserClaims, organizationId: string): Promise<string> {
  return await asUser(claims, async (tx) => {
    const [org] = await tx<
      { account_id: string }[]
    >`select account_id from public.organizations where id = ${organizationId}`;
    if (!org) throw new NotFound("no such organization");
    await requireRole(tx, org.account_id, "admin", "check Microsoft 365 credentials");
    return org.account_id;
  });
}

/** Get a token now; the outcome is recorded on the credentials whatever it is. */
export async function validateCredentials(claims: UserClaims, organizationId: string) {
  await adminOf(claims, organizationId);
  const outcome = await appOnlyToken(organizationId, { force: true }).then(
    () => null,
    (error: Error) => error,
  );
  return {
    ...await credentialStatus(claims, organizationId),
    validated: !outcome,
    error: outcome?.message ?? null,
  };
}

/** Token generation plus one Graph call with it: proves the credentials and the consent. */
export async function testTokenGeneration(claims: UserClaims, organizationId: string) {
  const accountId = await adminOf(claims, organizationId);
  const token = await appOnlyToken(organizationId, { force: true });
  // App-only Graph tokens are JWTs; the granted application permissions are a useful diagnosis.
  let roles: string[] = [];
  try {
    roles = (decodeJwt(token.token).roles as string[] | undefined) ?? [];
  } catch { /* opaque token: nothing to show */ }
  const { client, log, failure } = appGraph(
    { id: organizationId, account_id: accountId },
    Date.now() + 20_000,
  );
  try {
    const org = await client.api("/organization").select("id,displayName").get();
    const tenant = org.value?.[0];
    return {
      token_obtained: true,
      token_expires_at: token.expiresAt,
      application_permissions: roles.sort(),
      tenant: tenant ? { id: tenant.id, display_name: tenant.displayName } : null,
    };
  } catch (error) {
    throw failure(error, "reading the tenant with the app-only token");
  } finally {
    await log.flush(sql()).catch(() => {});
  }
}
