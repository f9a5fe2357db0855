// The identity platform's error catalogue: AADSTS code → OAuth `error`, HTTP status, description
// (notes §1.7). Every /token and /authorize error, natural or injected, is built from here.
import { aadTimestamp } from "../core/time-format.ts";

export interface AadstsDef {
  error: string;
  /** 400 for everything but invalid_client, which is 401 (500112 is the observed exception). */
  status: number;
  suberror?: string;
  describe(args: Record<string, string>): string;
}

const invalidGrant = (describe: AadstsDef["describe"], suberror?: string): AadstsDef => ({
  error: "invalid_grant",
  status: 400,
  suberror,
  describe,
});
const invalidClient = (describe: AadstsDef["describe"]): AadstsDef => ({
  error: "invalid_client",
  status: 401,
  describe,
});

export const AADSTS: Record<number, AadstsDef> = {
  900144: {
    error: "invalid_request",
    status: 400,
    describe: (a) => `The request body must contain the following parameter: '${a.parameter}'.`,
  },
  70003: {
    error: "unsupported_grant_type",
    status: 400,
    describe: (a) => `The app requested an unsupported grant type '${a.grantType}'.`,
  },
  90002: {
    error: "invalid_tenant",
    status: 400,
    describe: (a) =>
      `Tenant '${a.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  },
  700016: {
    error: "unauthorized_client",
    status: 400,
    describe: (a) =>
      `Application with identifier '${a.clientId}' was not found in the directory '${a.tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  },
  9001023: {
    error: "invalid_request",
    status: 400,
    describe: () =>
      "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
  },
  7000215: invalidClient((a) =>
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${a.clientId}'.`
  ),
  7000222: invalidClient((a) =>
    `The provided client secret keys for app '${a.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`
  ),
  7000218: invalidClient(() =>
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
  ),
  700025: invalidClient(() =>
    "Client is public so neither 'client_assertion' nor 'client_secret' should be presented."
  ),
  500112: {
    error: "invalid_client",
    status: 400,
    describe: (a) =>
      `The reply address '${a.got}' does not match the reply address '${a.expected}' provided when requesting Authorization code.`,
  },
  9002313: invalidGrant(() => "Invalid request. Request is malformed or invalid."),
  70000: invalidGrant(() => "Provided grant is invalid or malformed."),
  70008: invalidGrant(() =>
    "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."
  ),
  700082: invalidGrant(
    (a) =>
      `The refresh token has expired due to inactivity. The token was issued on ${a.issued} and was inactive for 90.00:00:00.`,
    "bad_token",
  ),
  50173: invalidGrant((a) =>
    `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${a.issued}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${a.validFrom}'.`
  ),
  65001: invalidGrant(
    (a) =>
      `The user or administrator has not consented to use the application with ID '${a.clientId}' named '${a.appName}'. Send an interactive authorization request for this user and resource.`,
    "consent_required",
  ),
  54005: invalidGrant(() =>
    "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."
  ),
  501481: invalidGrant(() =>
    "The Code_Verifier does not match the code_challenge supplied in the authorization request."
  ),
  50076: invalidGrant(
    () =>
      "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
    "basic_action",
  ),
  // Outages of the token service itself (503 with or without Retry-After, 500): transient, retried
  // with backoff, never a reason to ask the user to sign in again.
  90033: {
    error: "temporarily_unavailable",
    status: 503,
    describe: () => "A transient error has occurred. Please try again.",
  },
  50000: {
    error: "server_error",
    status: 500,
    describe: () => "There was an error issuing a token or an issue with our sign-in service.",
  },
  1002012: {
    error: "invalid_scope",
    status: 400,
    describe: (a) =>
      `The provided value for scope ${a.scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  },
  70011: {
    error: "invalid_scope",
    status: 400,
    describe: (a) =>
      `The provided value for the input parameter 'scope' isn't valid. The scope '${a.scope}' isn't valid.`,
  },
  500011: {
    error: "invalid_resource",
    status: 400,
    describe: (a) =>
      `The resource principal named ${a.resource} was not found in the tenant named ${a.tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  },
  // Shown by /authorize (as a redirect error or on the sign-in page).
  50011: {
    error: "invalid_request",
    status: 400,
    describe: (a) =>
      `The redirect URI '${a.redirectUri}' specified in the request does not match the redirect URIs configured for the application '${a.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
  },
  50034: {
    error: "invalid_request",
    status: 400,
    describe: (a) =>
      `The user account ${a.user} does not exist in the ${a.tenant} directory. To sign into this application, the account must be added to the directory.`,
  },
  50057: { error: "invalid_request", status: 400, describe: () => "The user account is disabled." },
  65004: {
    error: "access_denied",
    status: 400,
    describe: () => "User declined to consent to access the app.",
  },
  50058: {
    error: "login_required",
    status: 400,
    describe: () => "A silent sign-in request was sent but no user is signed in.",
  },
  90094: { error: "access_denied", status: 400, describe: () => "The grant requires admin permission." },
  700054: {
    error: "unsupported_response_type",
    status: 400,
    describe: (a) => `response_type '${a.responseType}' is not enabled for the application.`,
  },
  501491: {
    error: "invalid_request",
    status: 400,
    describe: () => "Invalid size of Code_Challenge parameter.",
  },
};

export interface AadError {
  code: number;
  status: number;
  body: Record<string, unknown>;
}

/** The JSON error body, with trace/correlation ids and the timestamp appended to the description. */
export function aadError(
  code: number,
  args: Record<string, string>,
  meta: { now: number; origin: string; correlationId?: string | null },
  override?: { error?: string; suberror?: string },
): AadError {
  const def = AADSTS[code];
  if (!def) throw new Error(`AADSTS${code} is not in the catalogue`);
  const traceId = crypto.randomUUID();
  const correlationId = meta.correlationId ?? crypto.randomUUID();
  const timestamp = aadTimestamp(meta.now);
  const body: Record<string, unknown> = {
    error: override?.error ?? def.error,
    error_description: `AADSTS${code}: ${
      def.describe(args)
    }\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${meta.origin}/error?code=${code}`,
  };
  const suberror = override?.suberror ?? def.suberror;
  if (suberror) body.suberror = suberror;
  return { code, status: def.status, body };
}
