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
  organizations: {
    contoso: "0a000000-0000-4000-8000-00000000c001",
    fabrikam: "0a000000-0000-4000-8000-00000000f001",
    tailspin: "0a000000-0000-4000-8000-00000000d001",
  },
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
