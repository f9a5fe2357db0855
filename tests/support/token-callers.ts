// Many callers in one isolate asking the vault for the same connection's token at once, as a
// busy function instance would. Prints what they got and how long each waited. Run several of
// these for many instances.
import { connectionToken } from "../../supabase/functions/_shared/token-vault.ts";
import { sql } from "../../supabase/functions/_shared/db.ts";

const [connectionId, count] = [Deno.args[0], Number(Deno.args[1] ?? 25)];
const waits: number[] = [];
const results = await Promise.allSettled(Array.from({ length: count }, async () => {
  const started = performance.now();
  try {
    return await connectionToken(connectionId);
  } finally {
    waits.push(performance.now() - started);
  }
}));
console.log(JSON.stringify({
  tokens: [...new Set(results.flatMap((r) => r.status === "fulfilled" ? [r.value] : []))],
  errors: results.flatMap((r) => r.status === "rejected" ? [`${r.reason.name}: ${r.reason.message}`] : []),
  waits,
}));
await sql().end();
