// The database, through postgres.js on SUPABASE_DB_URL (Supabase injects it into every function).
// User-facing work runs as the caller, exactly as PostgREST does it, so RLS is the gate even when
// function code has a bug; only workers run as the service role.
import postgres from "postgres";
import type { UserClaims } from "./auth.ts";
import { env } from "./env.ts";

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

let pool: Sql | undefined;

/** The shared pool. `prepare: false` keeps it usable through Supabase's transaction pooler. */
export function sql(): Sql {
  pool ??= postgres(env().SUPABASE_DB_URL, {
    prepare: false,
    max: 4,
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: "m365-edge" },
  });
  return pool;
}

/** Run `work` in one transaction as the signed-in user: role `authenticated`, their JWT claims. */
export async function asUser<T>(claims: UserClaims, work: (tx: Tx) => Promise<T>): Promise<T> {
  return await sql().begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true),
                    set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    return await work(tx);
  }) as T;
}

/** Run `work` in one transaction with the service's own rights (workers scope every statement). */
export async function asService<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return await sql().begin(work) as T;
}
