// mailboxes: the mailboxes an account watches for mail. GET lists them with their sync state;
// POST adds or changes one (admins) and queues its sync.
import { serve } from "../_shared/http.ts";
import { listWatched, MailboxInput, MailboxListQuery, saveMailbox } from "../_shared/mail/mailboxes.ts";

serve({ auth: "user" }, async ({ method, query, body, user }) => {
  if (method === "GET") return await listWatched(user(), query(MailboxListQuery).account_id);
  return await saveMailbox(user(), await body(MailboxInput));
});
