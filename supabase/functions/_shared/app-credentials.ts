// App-only Microsoft 365 credentials per organization: saved with the secret sealed (never
// returned), validated by getting a client-credentials token, and the source of the app-only
// tokens that posture workers use. The secret is opened only in memory, only to ask for a token.
import { z } from "zod";
import type { UserClaims } from "./auth.ts";
import { CallLog, loggingFetch } from "./call-log.ts";
import { asService, asUser, sql, type Tx } from "./db.ts";
import { env, sealingKeys } from "./env.ts";
import { NotFound, RetryLater, Unauthorized } from "./errors.ts";
import { OrganizationId } from "./ids.ts";
import { requireRole } from "./membership.ts";
import { clientCredentialsToken, GrantRefused, IdentityUnavailable } from "./oauth.ts";
import { seal, unseal } from "./sealed.ts";

export const SaveCredentials = z.object({
  organization_id: OrganizationId,
  tenant_id: z.uuid(),
  client_id: z.uuid(),
  client_secret: z.string().min(8).max(512),
});

export const OrganizationQuery = z.object({ organization_id: OrganizationId });

/** What anyone in the account may see about an organization's credentials. Never the secret. */
export interface CredentialStatus {
  id: string;
  organization_id: string;
  tenant_id: string;
  client_id: string;
  credential_status: string;
  last_token_refresh: Date | null;
  last_error: string | null;
  secret_updated_at: Date | null;
}

const STATUS_COLUMNS =
  "id, organization_id, tenant_id, client_id, credential_status, last_token_refresh, last_error, secret_updated_at";
const secretBinding = (credentialId: string) => `m365_credential_secrets:${credentialId}:client_secret`;

async function organizationAccount(tx: Tx, organizationId: string): Promise<string> {
  const [org] = await tx<
    { account_id: string }[]
  >`select account_id from public.organizations where id = ${organizationId}`;
  if (!org) throw new NotFound("no such organization");
  return org.account_id;
}

/** Store credentials with the secret sealed to their row (the service-side step of saving). */
export async function storeCredentials(
  tx: Tx,
  input: z.infer<typeof SaveCredentials> & { account_id: string },
): Promise<string> {
  const [credential] = await tx<{ id: string }[]>`
    insert into public.m365_credentials as c (account_id, organization_id, tenant_id, client_id, secret_updated_at)
    values (${input.account_id}, ${input.organization_id}, ${input.tenant_id}, ${input.client_id}, now())
    on conflict (organization_id) do update set tenant_id = excluded.tenant_id, client_id = excluded.client_id,
      credential_status = 'unverified', last_error = null, secret_updated_at = now()
    returning id`;
  const sealed = await seal(input.client_secret, secretBinding(credential.id), sealingKeys());
  await tx`insert into private.m365_credential_secrets as s (credential_id, client_secret_jwe)
    values (${credential.id}, ${sealed})
    on conflict (credential_id) do update set client_secret_jwe = excluded.client_secret_jwe, updated_at = now()`;
  tokens.delete(credential.id);
  return credential.id;
}

/** Save or rotate an organization's credentials (admins). The token cache forgets the old ones. */
export async function saveCredentials(claims: UserClaims, input: z.infer<typeof SaveCredentials>) {
  const accountId = await asUser(claims, async (tx) => {
    const account = await organizationAccount(tx, input.organization_id);
    await requireRole(tx, account, "admin", "manage Microsoft 365 credentials");
    return account;
  });
  return await asService(async (tx) => {
    const id = await storeCredentials(tx, { ...input, account_id: accountId });
    await tx`insert into public.audit_log (account_id, actor_user_id, action, target_type, target_id, details)
      values (${accountId}, ${claims.sub}, 'credentials.saved', 'm365_credentials', ${id},
        ${
      tx.json({
        organization_id: input.organization_id,
        tenant_id: input.tenant_id,
        client_id: input.client_id,
      })
    })`;
    return id;
  });
}

/** The credentials' status as the caller may see it (RLS: members of the account). */
export async function credentialStatus(
  claims: UserClaims,
  organizationId: string,
): Promise<CredentialStatus> {
  const [status] = await asUser(
    claims,
    (tx) =>
      tx<CredentialStatus[]>`select ${tx.unsafe(STATUS_COLUMNS)} from public.m365_credentials
      where organization_id = ${organizationId}`,
  );
  if (!status) throw new NotFound("this organization has no Microsoft 365 credentials");
  return status;
}

/** Remove an organization's credentials (admins). */
export async function removeCredentials(claims: UserClaims, organizationId: string) {
  await asUser(claims, async (tx) => {
    const account = await organizationAccount(tx, organizationId);
    await requireRole(tx, account, "admin", "manage Microsoft 365 credentials");
    const [gone] = await tx<{ id: string }[]>`delete from public.m365_credentials
      where organization_id = ${organizationId} returning id`;
    if (!gone) throw new NotFound("this organization has no Microsoft 365 credentials");
    tokens.delete(gone.id);
    await asService((svc) =>
      svc`insert into public.audit_log (account_id, actor_user_id, action, target_type, target_id)
        values (${account}, ${claims.sub}, 'credentials.removed', 'm365_credentials', ${gone.id})`
    );
  });
}

interface AppToken {
  token: string;
  expiresAt: Date;
}

// App-only tokens are minted again, never refreshed; each isolate keeps one per credential.
const tokens = new Map<string, AppToken>();
const inFlight = new Map<string, Promise<AppToken>>();
const REUSE_MARGIN_MS = 5 * 60_000;

/**
 * An app-only Graph token for an organization, through the shared vault path: cached while it has
 * more than 5 minutes left, one mint at a time, outcome recorded on the credentials.
 */
export async function appOnlyToken(
  organizationId: string,
  options: { force?: boolean } = {},
): Promise<AppToken> {
  const [credential] = await sql()<
    { id: string; account_id: string; tenant_id: string; client_id: string }[]
  >`
    select id, account_id, tenant_id, client_id from public.m365_credentials where organization_id = ${organizationId}`;
  if (!credential) throw new NotFound("this organization has no Microsoft 365 credentials");
  const cached = tokens.get(credential.id);
  if (!options.force && cached && cached.expiresAt.getTime() - Date.now() > REUSE_MARGIN_MS) return cached;
  let pending = inFlight.get(credential.id);
  if (!pending) {
    pending = mint(organizationId, credential).finally(() => inFlight.delete(credential.id));
    inFlight.set(credential.id, pending);
  }
  return await pending;
}

async function mint(
  organizationId: string,
  credential: { id: string; account_id: string; tenant_id: string; client_id: string },
): Promise<AppToken> {
  const calls = new CallLog({ account_id: credential.account_id, organization_id: organizationId });
  try {
    const [secret] = await sql()<{ client_secret_jwe: string }[]>`
      select client_secret_jwe from private.m365_credential_secrets where credential_id = ${credential.id}`;
    if (!secret) throw new NotFound("these credentials have no client secret; save them again");
    const clientSecret = await unseal(secret.client_secret_jwe, secretBinding(credential.id), sealingKeys());
    const result = await clientCredentialsToken(env().LOGIN_BASE_URL, {
      tenantId: credential.tenant_id,
      clientId: credential.client_id,
      clientSecret,
    }, { signal: AbortSignal.timeout(15_000), fetch: loggingFetch(calls, "identity") });
    await sql()`update public.m365_credentials
      set credential_status = 'valid', last_token_refresh = now(), last_error = null where id = ${credential.id}`;
    const token = { token: result.accessToken, expiresAt: result.expiresAt };
    tokens.set(credential.id, token);
    return token;
  } catch (error) {
    if (error instanceof GrantRefused) {
      const status = error.aadsts === 7000222 ? "expired" : "invalid";
      await sql()`update public.m365_credentials set credential_status = ${status}, last_error = ${error.reason}
        where id = ${credential.id}`;
      throw new Unauthorized(
        `Microsoft refused these app-only credentials: ${error.reason}`,
        "credentials_refused",
      );
    }
    if (error instanceof IdentityUnavailable) {
      await sql()`update public.m365_credentials set last_error = ${error.message} where id = ${credential.id}`;
      throw new RetryLater(
        `could not get an app-only token: ${error.message}`,
        error.retryAfterSeconds ?? 30,
      );
    }
    throw error;
  } finally {
    await calls.flush(sql()).catch(() => {});
  }
}
