// The Microsoft identity platform through oauth4webapi: authorization code + PKCE + state + nonce
// with id_token validation, refresh, and client credentials. LOGIN_BASE_URL picks the host.
import * as oauth from "oauth4webapi";
import { decodeJwt } from "jose";

export type Purpose = "read" | "write";

/** Delegated scopes per purpose. `offline_access` gets a refresh token; openid+profile the ids. */
export const PURPOSE_SCOPES: Record<Purpose, string[]> = {
  read: [
    "openid",
    "profile",
    "email",
    "offline_access",
    "User.Read",
    "Mail.Read",
    "Mail.Read.Shared",
    "MailboxSettings.Read",
  ],
  write: [
    "openid",
    "profile",
    "email",
    "offline_access",
    "User.Read",
    "Mail.ReadWrite",
    "Mail.ReadWrite.Shared",
    "Mail.Send",
    "Mail.Send.Shared",
  ],
};

export interface DelegatedApp {
  clientId: string;
  clientSecret: string;
  loginBaseUrl: string;
  /** `organizations` (work accounts, any tenant), `common`, or one tenant id. */
  authority: string;
  redirectUri: string;
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  expiresAt: Date;
  scopes: string[];
}

export interface SignedInUser {
  tenantId: string;
  objectId: string;
  userPrincipalName?: string;
  displayName?: string;
}

/**
 * The identity platform refused a grant for good: the user must sign in again (invalid_grant,
 * interaction_required, consent_required) or the app's credentials are wrong (invalid_client).
 */
export class GrantRefused extends Error {
  constructor(
    readonly error: string,
    readonly aadsts: number | undefined,
    readonly reason: string,
    readonly status: number,
  ) {
    super(reason);
    this.name = "GrantRefused";
  }
}

/** The identity platform could not answer now (5xx, 429, network): try again later. */
/** Per-call options: a deadline, and a fetch that records the call (see call-log.ts). */
export interface CallOptions {
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

function requestOptions(options: CallOptions): oauth.TokenEndpointRequestOptions {
  return { signal: options.signal, ...(options.fetch ? { [oauth.customFetch]: options.fetch } : {}) };
}

export class IdentityUnavailable extends Error {
  constructor(message: string, readonly retryAfterSeconds?: number) {
    super(message);
    this.name = "IdentityUnavailable";
  }
}

// What each AADSTS code means for the person who has to fix it.
const REASONS: Record<number, string> = {
  700082: "the refresh token expired after 90 days without use",
  70008: "the refresh token or code expired",
  50173: "the grant was revoked (password reset or sessions revoked)",
  65001: "consent for the app is missing",
  50076: "multi-factor authentication is now required",
  70043: "a conditional access sign-in frequency policy ended the session",
  7000215: "the client secret is wrong",
  7000222: "the client secret has expired",
  90002: "the tenant was not found",
  700016: "the app is not registered in that tenant",
  54005: "the authorization code was already used",
  501481: "the PKCE code verifier did not match",
  1002012: "app-only tokens need a scope ending in /.default",
};

const PERMANENT = new Set([
  "invalid_grant",
  "invalid_client",
  "unauthorized_client",
  "interaction_required",
  "consent_required",
  "invalid_scope",
  "invalid_request",
  "invalid_tenant",
  "access_denied",
]);

/** The endpoints of one authority (a tenant id, `organizations` or `common`). */
export function authorizationServer(loginBaseUrl: string, tenant: string): oauth.AuthorizationServer {
  const base = loginBaseUrl.replace(/\/$/, "");
  return {
    issuer: `${base}/${tenant}/v2.0`,
    authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
    jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
  };
}

/** Turn a failed token response into GrantRefused or IdentityUnavailable. */
export function classifyTokenError(error: unknown): Error {
  if (error instanceof oauth.ResponseBodyError) {
    const codes = (error.cause as { error_codes?: number[] }).error_codes;
    const aadsts = codes?.[0] ??
      (Number(/AADSTS(\d+)/.exec(error.error_description ?? "")?.[1]) || undefined);
    const reason = (aadsts ? REASONS[aadsts] : undefined) ?? `the identity platform answered ${error.error}`;
    if (error.status >= 500 || error.status === 429 || error.error === "temporarily_unavailable") {
      const retryAfter = Number(error.response.headers.get("retry-after")) || undefined;
      return new IdentityUnavailable(`the identity platform is unavailable (${error.status})`, retryAfter);
    }
    if (PERMANENT.has(error.error) || error.status === 400 || error.status === 401) {
      return new GrantRefused(error.error, aadsts, reason, error.status);
    }
  }
  // oauth4webapi reads error bodies of 4xx only: a 503 temporarily_unavailable arrives here.
  if (error instanceof oauth.OperationProcessingError && error.cause instanceof Response) {
    const retryAfter = Number(error.cause.headers.get("retry-after")) || undefined;
    return new IdentityUnavailable(`the identity platform answered ${error.cause.status}`, retryAfter);
  }
  if (error instanceof GrantRefused || error instanceof IdentityUnavailable) return error;
  if (error instanceof TypeError || (error as Error)?.name === "TimeoutError") {
    return new IdentityUnavailable("the identity platform could not be reached");
  }
  return error instanceof Error ? error : new Error(String(error));
}

function tokenSet(response: oauth.TokenEndpointResponse): TokenSet {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    // Microsoft's expires_in varies (60-90 min, sometimes more): trust it, never assume 3600.
    expiresAt: new Date(Date.now() + (response.expires_in ?? 3599) * 1000),
    scopes: (response.scope ?? "").split(" ").filter(Boolean),
  };
}

async function attempt<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw classifyTokenError(error);
  }
}

export interface AuthorizationRequest {
  url: URL;
  state: string;
  codeVerifier: string;
  nonce: string;
}

/** Everything the authorize redirect needs; keep state, verifier and nonce for the callback. */
export async function authorizationRequest(
  app: DelegatedApp,
  purpose: Purpose,
  options: { loginHint?: string; prompt?: string } = {},
): Promise<AuthorizationRequest> {
  const as = authorizationServer(app.loginBaseUrl, app.authority);
  const state = oauth.generateRandomState();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: app.clientId,
    response_type: "code",
    redirect_uri: app.redirectUri,
    response_mode: "query",
    scope: PURPOSE_SCOPES[purpose].join(" "),
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
    ...(options.prompt ? { prompt: options.prompt } : {}),
  }).toString();
  return { url, state, codeVerifier, nonce };
}

/** Microsoft's error redirect (access_denied, consent_required...), as a GrantRefused. */
export function callbackError(params: URLSearchParams): GrantRefused | undefined {
  const error = params.get("error");
  if (!error) return undefined;
  const description = params.get("error_description") ?? "";
  const aadsts = Number(/AADSTS(\d+)/.exec(description)?.[1]) || undefined;
  const reason = error === "access_denied"
    ? "the user declined to connect"
    : error === "consent_required"
    ? "an administrator must consent to the app first"
    : (aadsts ? REASONS[aadsts] : undefined) ?? `Microsoft answered ${error}`;
  return new GrantRefused(error, aadsts, reason, 400);
}

/**
 * Redeem the code from Microsoft's redirect. The id_token is validated (signature-free over TLS,
 * per OIDC; issuer, audience, expiry, nonce checked) against the issuer of the tenant it names:
 * multi-tenant authorities publish a `{tenantid}` template, so the issuer must be per tenant.
 */
export async function redeemCode(
  app: DelegatedApp,
  callback: URL,
  expected: { state: string; codeVerifier: string; nonce: string },
  options: CallOptions = {},
): Promise<{ user: SignedInUser; tokens: TokenSet }> {
  const as = authorizationServer(app.loginBaseUrl, app.authority);
  const client: oauth.Client = { client_id: app.clientId };
  return await attempt(async () => {
    const params = oauth.validateAuthResponse(as, client, callback, expected.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(app.clientSecret),
      params,
      app.redirectUri,
      expected.codeVerifier,
      requestOptions(options),
    );
    let tenant = app.authority;
    if (response.ok) {
      const idToken = (await response.clone().json() as { id_token?: string }).id_token;
      const tid = idToken ? decodeJwt(idToken).tid : undefined;
      if (typeof tid === "string") tenant = tid;
    }
    const result = await oauth.processAuthorizationCodeResponse(
      authorizationServer(app.loginBaseUrl, tenant),
      client,
      response,
      { expectedNonce: expected.nonce, requireIdToken: true },
    );
    const claims = oauth.getValidatedIdTokenClaims(result)!;
    if (typeof claims.tid !== "string" || typeof claims.oid !== "string") {
      throw new GrantRefused(
        "invalid_request",
        undefined,
        "the id_token lacks tid/oid (the profile scope)",
        400,
      );
    }
    if (!result.refresh_token) {
      throw new GrantRefused(
        "invalid_scope",
        undefined,
        "Microsoft issued no refresh token (offline_access)",
        400,
      );
    }
    return {
      user: {
        tenantId: claims.tid,
        objectId: claims.oid,
        userPrincipalName: claims.preferred_username as string | undefined,
        displayName: claims.name as string | undefined,
      },
      tokens: tokenSet(result),
    };
  });
}

/** Redeem a refresh token at the user's own tenant. Microsoft rotates it: keep the new one. */
export async function refreshTokens(
  app: DelegatedApp,
  tenantId: string,
  refreshToken: string,
  options: CallOptions = {},
): Promise<TokenSet> {
  const as = authorizationServer(app.loginBaseUrl, tenantId);
  const client: oauth.Client = { client_id: app.clientId };
  return await attempt(async () => {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(app.clientSecret),
      refreshToken,
      requestOptions(options),
    );
    return tokenSet(await oauth.processRefreshTokenResponse(as, client, response));
  });
}

/** Microsoft Graph's application id: `<it>/.default` names Graph in every Microsoft cloud. */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** An app-only token for a tenant (client credentials; Graph's `/.default` scope). */
export async function clientCredentialsToken(
  loginBaseUrl: string,
  credentials: { tenantId: string; clientId: string; clientSecret: string },
  options: CallOptions = {},
): Promise<TokenSet> {
  const as = authorizationServer(loginBaseUrl, credentials.tenantId);
  const client: oauth.Client = { client_id: credentials.clientId };
  return await attempt(async () => {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(credentials.clientSecret),
      { scope: `${GRAPH_APP_ID}/.default` },
      requestOptions(options),
    );
    return tokenSet(await oauth.processClientCredentialsResponse(as, client, response));
  });
}
