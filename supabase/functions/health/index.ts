// health: GET is a liveness probe (any API key); POST is the worker pg_cron wakes every minute to
// run queued health checks (secret key).
import { sql } from "../_shared/db.ts";
import { env } from "../_shared/env.ts";
import { probeDatabase, runHealthCheck } from "../_shared/health.ts";
import { serve } from "../_shared/http.ts";
import { drain } from "../_shared/jobs.ts";

serve({ auth: { GET: "publishable", POST: "secret" } }, async ({ method }) => {
  if (method === "GET") return await probeDatabase(sql());
  const budgetMs = env().WORKER_BUDGET_SECONDS * 1000;
  return await drain(sql(), { kind: "health", budgetMs }, () => runHealthCheck(sql()));
});
