// refresh-token: with the secret key (pg_cron, hourly) it is the worker for queued token
// refreshes; with a user session, an admin refreshes one connection now.
import { ConnectionRef } from "../_shared/connections.ts";
import { sql } from "../_shared/db.ts";
import { env } from "../_shared/env.ts";
import { serve } from "../_shared/http.ts";
import { drain } from "../_shared/jobs.ts";
import { refreshIfDue, refreshNow } from "../_shared/token-vault.ts";

serve({ auth: "publishable", methods: ["POST"] }, async ({ caller, body, user }) => {
  if (caller.kind === "secret") {
    const budgetMs = env().WORKER_BUDGET_SECONDS * 1000;
    return await drain<{ connection_id: string }>(
      sql(),
      { kind: "refresh-token", budgetMs, batch: 20, concurrency: 4 },
      (job) => refreshIfDue(job.payload.connection_id),
    );
  }
  const { connection_id } = await body(ConnectionRef);
  return await refreshNow(user(), connection_id);
});
