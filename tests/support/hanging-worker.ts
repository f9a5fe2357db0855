// A worker that claims one job, says so, and never finishes: the test kills it with SIGKILL, as
// the platform kills a function that overruns its wall clock.
import { drain } from "../../supabase/functions/_shared/jobs.ts";
import { connect } from "./stack.ts";

const kind = Deno.args[0];
await drain(connect(), { kind, budgetMs: 30_000, batch: 1 }, async (job) => {
  console.log(JSON.stringify({ claimed: job.id }));
  return await new Promise(() => {});
});
