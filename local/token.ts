// LOCAL ONLY (`./dev token <email>`): print a session JWT for a seeded user. There is no GoTrue in
// the Docker-free stack, so this is how people and tests sign in.
import postgres from "postgres";
import { loadKeys, userSessionJwt } from "./auth-keys.ts";

const [keysPath, email] = Deno.args;
const sql = postgres(Deno.env.get("SUPABASE_DB_URL")!, { max: 1, onnotice: () => {} });
try {
  const [user] = await sql<{ id: string; email: string }[]>`
    select id::text, email from auth.users where lower(email) = lower(${email})`;
  if (!user) {
    console.error(`no user with email ${email} (see supabase/seed.sql)`);
    Deno.exitCode = 1;
  } else {
    console.log(await userSessionJwt(await loadKeys(keysPath), Deno.env.get("SUPABASE_URL")!, user));
  }
} finally {
  await sql.end();
}
