// sync-emails: with the secret key (pg_cron every 15 minutes, or a wake-up) it is the worker that
// syncs queued mailboxes with Graph delta; with a user session, an agent's "sync now".
import { env } from "../_shared/env.ts";
import { serve } from "../_shared/http.ts";
import { MailboxRef, syncNow } from "../_shared/mail/mailboxes.ts";
import { drainMailboxSyncs } from "../_shared/mail/mailbox-sync.ts";

serve({ auth: "publishable", methods: ["POST"] }, async ({ caller, body, user }) => {
  if (caller.kind === "secret") return await drainMailboxSyncs(env().WORKER_BUDGET_SECONDS * 1000);
  return await syncNow(user(), (await body(MailboxRef)).mailbox_id);
});
