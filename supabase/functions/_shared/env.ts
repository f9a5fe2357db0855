// The environment Supabase injects into every function, plus our own settings, parsed once.
import { z } from "zod";
import { ServerMisconfigured } from "./errors.ts";
import type { DelegatedApp } from "./oauth.ts";
import { parseSealingKeys, type SealingKey } from "./sealed.ts";

const jsonRecord = z.string().transform((text, ctx) => {
  try {
    return z.record(z.string(), z.string()).parse(JSON.parse(text));
  } catch {
    ctx.addIssue({ code: "custom", message: "must be a JSON object of strings" });
    return z.NEVER;
  }
});

const jwks = z.string().transform((text, ctx) => {
  try {
    return z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).parse(JSON.parse(text));
  } catch {
    ctx.addIssue({ code: "custom", message: "must be a JSON Web Key Set" });
    return z.NEVER;
  }
});

const EnvSchema = z.object({
  SUPABASE_URL: z.url(),
  SUPABASE_DB_URL: z.string().min(1),
  SUPABASE_PUBLISHABLE_KEYS: jsonRecord.optional(),
  SUPABASE_SECRET_KEYS: jsonRecord.optional(),
  SUPABASE_JWKS: jwks.optional(),
  /** Overrides the expected `iss` of user JWTs (default: SUPABASE_URL + /auth/v1). */
  SB_JWT_ISSUER: z.string().optional(),
  /** Microsoft hosts; the local stack points them at the emulator. */
  GRAPH_BASE_URL: z.url().default("https://graph.microsoft.com"),
  LOGIN_BASE_URL: z.url().default("https://login.microsoftonline.com"),
  /** Keys that seal tokens and secrets at rest: `kid:base64url,...`, the first one current. */
  TOKEN_ENCRYPTION_KEYS: z.string().transform((text, ctx) => {
    try {
      return parseSealingKeys(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  }).optional(),
  /** The product's multi-tenant Entra app (delegated sign-in). */
  M365_CLIENT_ID: z.uuid().optional(),
  M365_CLIENT_SECRET: z.string().min(1).optional(),
  /** Who may sign in: `organizations` (any work account), `common`, or a tenant id. */
  M365_AUTHORITY: z.string().regex(/^[A-Za-z0-9.-]+$/).default("organizations"),
  /** Where Microsoft sends people back; default: this project's oauth-callback function. */
  OAUTH_REDIRECT_URI: z.url().optional(),
  /** Origins (or URL prefixes) oauth-authorize may send people back to afterwards, comma-separated. */
  OAUTH_REDIRECT_ALLOWLIST: z.string().default(""),
  /** The scheduled refresh renews tokens that expire within this many hours. */
  REFRESH_WINDOW_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  /** Messages per delta page (Graph allows up to 1000; large pages with bodies can time out). */
  MAIL_SYNC_PAGE_SIZE: z.coerce.number().int().min(10).max(1000).default(500),
  /** Signs the Message-IDs of mail we send ourselves, so replies thread without In-Reply-To. */
  MESSAGE_ID_SECRET: z.string().min(32).optional(),
  /** Seconds a worker may run before it hands its jobs back (Edge Functions have wall-clock limits). */
  WORKER_BUDGET_SECONDS: z.coerce.number().positive().max(400).default(50),
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

/** The sealing keys; a function that stores tokens cannot run without them. */
export function sealingKeys(): SealingKey[] {
  const keys = env().TOKEN_ENCRYPTION_KEYS;
  if (!keys) throw new ServerMisconfigured("TOKEN_ENCRYPTION_KEYS is not set");
  return keys;
}

/** The product's delegated app as the OAuth code needs it. */
export function delegatedApp(): DelegatedApp {
  const e = env();
  if (!e.M365_CLIENT_ID || !e.M365_CLIENT_SECRET) {
    throw new ServerMisconfigured("M365_CLIENT_ID and M365_CLIENT_SECRET are not set");
  }
  return {
    clientId: e.M365_CLIENT_ID,
    clientSecret: e.M365_CLIENT_SECRET,
    loginBaseUrl: e.LOGIN_BASE_URL,
    authority: e.M365_AUTHORITY,
    redirectUri: e.OAUTH_REDIRECT_URI ?? new URL("/functions/v1/oauth-callback", e.SUPABASE_URL).href,
  };
}

/** The parsed environment. A missing or malformed variable is named, its value never shown. */
export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(Deno.env.toObject());
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => i.path.join(".")))].join(", ");
    throw new ServerMisconfigured(`environment variables missing or invalid: ${names}`);
  }
  cached = parsed.data;
  return cached;
}
