// sync-emails: with the secret key (pg_cron every 15 minutes, or a wake-up) it is the worker that
// syncs queued mailboxes with Graph delta; with a user session, an agent's "sync now".
import { sql } from "../_shared/db.ts";
import { env } from "../_shared/env.ts";
import { serve } from "../_shared/http.ts";
import { drain } from "../_shared/jobs.ts";
import { MailboxRef, syncNow } from "../_shared/mail/mailboxes.ts";
import { syncMailbox } from "../_shared/mail/mailbox-sync.ts";

serve({ auth: "publishable", methods: ["POST"] }, async ({ caller, body, user }) => {
  if (caller.kind === "secret") {
    const budgetMs = env().WORKER_BUDGET_SECONDS * 1000;
    // Mailboxes side by side, each one job: a broken mailbox fails alone and backs off alone.
    return await drain<{ mailbox_id: string }>(
      sql(),
      { kind: "sync-emails", budgetMs, batch: 4, concurrency: 2 },
      (job, ctx) => syncMailbox(job.payload.mailbox_id, ctx.deadline),
    );
  }
  return await syncNow(user(), (await body(MailboxRef)).mailbox_id);
});
