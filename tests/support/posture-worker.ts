// The posture worker (cache-write-all's drain) in a process of its own, as one function instance
// is: the benchmark runs several side by side. Args: job kind, budget seconds. Prints its summary.
import { sql } from "../../supabase/functions/_shared/db.ts";
import { drainPosture } from "../../supabase/functions/_shared/posture/worker.ts";

const [kind, seconds] = Deno.args;
try {
  console.log(JSON.stringify(await drainPosture("all", Number(seconds) * 1000, kind)));
} finally {
  await sql().end();
}
