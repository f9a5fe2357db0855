// Starts the emulator in-process over HTTPS on a free port with the local stack's certificates
// (.local/certs, made by ./dev setup), and gives tests a fetch that trusts the local CA.
import { DEFAULT_APP, TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import { createEmulator, type Emulator, type EmulatorOptions } from "../../local/graph-emulator/emulator.ts";

const CERTS = new URL("../../.local/certs/", import.meta.url);

export interface Harness {
  origin: string;
  /** `localhost:<port>`: the Graph SDK's customHosts entry. */
  host: string;
  emulator: Emulator;
  client: Deno.HttpClient;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** JSON call to /_emulator/<path>; throws unless 2xx. */
  control<T = unknown>(path: string, body?: unknown, method?: string): Promise<T>;
  close(): Promise<void>;
}

function readCert(name: string): string {
  try {
    return Deno.readTextFileSync(new URL(name, CERTS));
  } catch {
    throw new Error(`missing .local/certs/${name}: run ./dev setup first`);
  }
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Harness> {
  const emulator = await createEmulator(opts);
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: readCert("emulator.pem"),
    key: readCert("emulator.key"),
    onListen: () => {},
  }, emulator.handler);
  const host = `localhost:${server.addr.port}`;
  const origin = `https://${host}`;
  const client = Deno.createHttpClient({ caCerts: [readCert("ca.pem")] });
  const fetchIt = (path: string, init?: RequestInit) =>
    fetch(path.startsWith("https://") ? path : origin + path, { ...init, client });
  return {
    origin,
    host,
    emulator,
    client,
    fetch: fetchIt,
    async control<T>(path: string, body?: unknown, method = body === undefined ? "GET" : "POST"): Promise<T> {
      const r = await fetchIt(`/_emulator/${path}`, {
        method,
        headers: body === undefined ? undefined : { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`control ${method} ${path}: ${r.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async close() {
      await server.shutdown();
      client.close();
    },
  };
}

/** Runs a test body against a fresh emulator and always stops it. */
export function withEmulator(fn: (h: Harness) => Promise<void>, opts?: EmulatorOptions): () => Promise<void> {
  return async () => {
    const h = await startEmulator(opts);
    try {
      await fn(h);
    } finally {
      await h.close();
    }
  };
}

export const CONTOSO: string = TENANT_IDS.contoso;

export function tokenRequest(
  h: Harness,
  tenant: string,
  params: Record<string, string>,
  headers: HeadersInit = {},
) {
  return h.fetch(`/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params),
  });
}

export async function appToken(
  h: Harness,
  tenant = CONTOSO,
  clientId: string = DEFAULT_APP.clientId,
  secret: string = DEFAULT_APP.clientSecret,
): Promise<string> {
  const r = await tokenRequest(h, tenant, {
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: secret,
    scope: "https://graph.microsoft.com/.default",
  });
  if (r.status !== 200) throw new Error(`client_credentials: ${r.status} ${await r.text()}`);
  return (await r.json()).access_token;
}

export interface AuthorizeParams {
  tenant?: string;
  scope: string;
  loginHint?: string;
  clientId?: string;
  redirectUri?: string;
  extra?: Record<string, string>;
}

/** GET /authorize without following the redirect. */
export function authorizeRequest(h: Harness, p: AuthorizeParams): Promise<Response> {
  const q = new URLSearchParams({
    client_id: p.clientId ?? DEFAULT_APP.clientId,
    response_type: "code",
    redirect_uri: p.redirectUri ?? DEFAULT_APP.redirectUris[0],
    response_mode: "query",
    scope: p.scope,
    state: "st-1",
    ...p.extra,
  });
  if (p.loginHint) q.set("login_hint", p.loginHint);
  return h.fetch(`/${p.tenant ?? CONTOSO}/oauth2/v2.0/authorize?${q}`, { redirect: "manual" });
}

/** Sign-in + code redemption; returns the token response body. */
export async function userTokens(h: Harness, p: AuthorizeParams): Promise<Record<string, string>> {
  const r = await authorizeRequest(h, p);
  const location = new URL(r.headers.get("Location") ?? "http://missing/");
  const code = location.searchParams.get("code");
  if (r.status !== 302 || !code) throw new Error(`authorize: ${r.status} ${location} ${await r.text()}`);
  const t = await tokenRequest(h, p.tenant ?? CONTOSO, {
    grant_type: "authorization_code",
    client_id: p.clientId ?? DEFAULT_APP.clientId,
    client_secret: DEFAULT_APP.clientSecret,
    code,
    redirect_uri: p.redirectUri ?? DEFAULT_APP.redirectUris[0],
  });
  if (t.status !== 200) throw new Error(`code redemption: ${t.status} ${await t.text()}`);
  return await t.json();
}

export function graph(h: Harness, path: string, token: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return h.fetch(path.startsWith("https://") ? path : `/v1.0${path}`, { ...init, headers });
}

/** A user of the tenant by kind, from the control API's world summary. */
export interface WorldUser {
  id: string;
  userPrincipalName: string;
  kind: string;
  accountEnabled: boolean;
  roles: string[];
  licensed: boolean;
  mailbox: string | null;
}

export async function tenantUsers(h: Harness, tenant: string = CONTOSO): Promise<WorldUser[]> {
  const world = await h.control<{ tenants: { id: string; users: WorldUser[] }[] }>("world");
  return world.tenants.find((t) => t.id === tenant)!.users;
}

/** The status, with any unread body discarded (Deno's tests flag leaked bodies). */
export async function statusOf(r: Response): Promise<number> {
  if (!r.bodyUsed) await r.body?.cancel();
  return r.status;
}
