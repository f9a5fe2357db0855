// What tests share about the running local stack (`./dev start` writes .local/env; `./dev test`
// loads it into the environment).
import postgres from "postgres";
import { loadKeys, type LocalKeys, userSessionJwt } from "../../local/auth-keys.ts";

export const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

export function envVar(name: string): string {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set: run the tests through ./dev test (or source .local/env)`);
  return value;
}

export const SUPABASE_URL = envVar("SUPABASE_URL");
export const SECRET_KEY = envVar("SUPABASE_SECRET_KEY");
export const PUBLISHABLE_KEY = envVar("SUPABASE_PUBLISHABLE_KEY");

/** A connection as the `postgres` role (what SUPABASE_DB_URL gives functions). */
export function connect(): postgres.Sql {
  return postgres(envVar("SUPABASE_DB_URL"), { max: 4, onnotice: () => {} });
}

let keys: Promise<LocalKeys> | undefined;
export function localKeys(): Promise<LocalKeys> {
  keys ??= loadKeys(`${ROOT}/.local/keys.json`);
  return keys;
}

/** A session JWT for a seeded user, as GoTrue would issue it. */
export async function sessionFor(
  user: { id: string; email: string },
  options: { expiresInSeconds?: number; issuedAt?: number } = {},
): Promise<string> {
  return await userSessionJwt(await localKeys(), SUPABASE_URL, user, options);
}

/** supabase/seed.sql */
export const SEEDED = {
  mspOwner: { id: "11111111-1111-4111-8111-111111111111", email: "owner@adatum-msp.test" },
  mspAgent: { id: "22222222-2222-4222-8222-222222222222", email: "agent@adatum-msp.test" },
  mspViewer: { id: "44444444-4444-4444-8444-444444444444", email: "viewer@adatum-msp.test" },
  helpdeskOwner: { id: "33333333-3333-4333-8333-333333333333", email: "owner@northwind-support.test" },
  mspAccount: "a1000000-0000-4000-8000-000000000001",
  helpdeskAccount: "a2000000-0000-4000-8000-000000000002",
  organizations: { contoso: "101", fabrikam: "102", tailspin: "103" },
};

/** Poll until `check` returns a value (not undefined/false), or fail after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A job kind no other test uses, so parallel test files never share queue rows. */
export function uniqueKind(label: string): string {
  return `t-${label}-${crypto.randomUUID().slice(0, 8)}`;
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export interface Invocation {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Call a function through the local gateway, as supabase-js would (apikey + optional session). */
export async function invoke(
  slug: string,
  options: {
    method?: string;
    session?: string;
    apikey?: string;
    query?: Record<string, string>;
    body?: unknown;
  } = {},
): Promise<Invocation> {
  const url = new URL(`/functions/v1/${slug}`, SUPABASE_URL);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { apikey: options.apikey ?? PUBLISHABLE_KEY };
  if (options.session) headers.authorization = `Bearer ${options.session}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: "manual",
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body };
}

export const EMULATOR_URL = envVar("EMULATOR_URL");

/** The emulator's control API (`/_emulator/...`). */
// deno-lint-ignore no-explicit-any
export async function emulator(path: string, init: { method?: string; body?: unknown } = {}): Promise<any> {
  const res = await fetch(new URL(`/_emulator/${path}`, EMULATOR_URL), {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: init.body === undefined ? {} : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Refresh-token grants the emulator has answered so far. */
export async function refreshGrants(): Promise<number> {
  const counters = await emulator("counters");
  return counters.identity.tokens.refresh_token ?? 0;
}

export const APP_REDIRECT = "http://localhost:3000/settings/microsoft";

export interface ConnectOutcome {
  authorize: Invocation;
  microsoftRedirect?: URL;
  appRedirect?: URL;
}

/**
 * The whole browser dance: oauth-authorize -> Microsoft's /authorize (the emulator signs in
 * `loginHint` and consents) -> oauth-callback -> back to the app with the outcome.
 */
export async function connectMailbox(
  session: string,
  input: Record<string, unknown>,
  tamper: (callback: URL) => URL = (u) => u,
): Promise<ConnectOutcome> {
  const authorize = await invoke("oauth-authorize", {
    session,
    body: { redirect_to: APP_REDIRECT, ...input },
  });
  if (authorize.status !== 200) return { authorize };
  const microsoft = await fetch(authorize.body.data.authorize_url, { redirect: "manual" });
  await microsoft.body?.cancel();
  const location = microsoft.headers.get("location");
  if (!location) throw new Error(`the emulator did not redirect (${microsoft.status})`);
  const microsoftRedirect = tamper(new URL(location));
  const callback = await fetch(microsoftRedirect, { redirect: "manual" });
  const text = await callback.text();
  const back = callback.headers.get("location");
  if (!back) throw new Error(`oauth-callback answered ${callback.status}: ${text}`);
  return { authorize, microsoftRedirect, appRedirect: new URL(back) };
}

export interface EmulatedUser {
  id: string;
  userPrincipalName: string;
  kind: string;
  accountEnabled: boolean;
  licensed: boolean;
  mailbox: string | null;
  roles: string[];
}

/** Users of an emulated tenant that match `pick`, from the emulator's own world listing. */
export async function emulatedUsers(
  tenantKey: string,
  pick: (u: EmulatedUser) => boolean = () => true,
): Promise<EmulatedUser[]> {
  const world = await emulator("world");
  const tenant = world.tenants.find((t: { key: string }) => t.key === tenantKey);
  if (!tenant) throw new Error(`no emulated tenant ${tenantKey}`);
  return (tenant.users as EmulatedUser[]).filter(pick);
}

/** Licensed, enabled members with a mailbox, not the tenant's admin: people who can sign in. */
export const ordinaryMember = (u: EmulatedUser) =>
  u.kind === "member" && u.accountEnabled && u.licensed && u.mailbox === "user" &&
  !u.userPrincipalName.startsWith("admin@");

/** An account of its own for one test file, with an owner who can sign in. */
export async function freshAccount(sql: postgres.Sql, label: string) {
  const user = { id: crypto.randomUUID(), email: `${label}-${crypto.randomUUID().slice(0, 6)}@tests.test` };
  await sql`insert into auth.users (id, email, aud, role) values (${user.id}, ${user.email}, 'authenticated', 'authenticated')`;
  const [{ id }] = await sql`insert into public.accounts (name) values (${`Test ${label}`}) returning id`;
  await sql`insert into public.account_members (account_id, user_id, role) values (${id}, ${user.id}, 'owner')`;
  return { accountId: id as string, owner: user, session: await sessionFor(user) };
}
