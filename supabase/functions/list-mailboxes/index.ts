// list-mailboxes: the connected user's mailbox and the shared mailboxes they name, with folders.
import { serve } from "../_shared/http.ts";
import { listMailboxes, MailboxesQuery } from "../_shared/mailbox-probe.ts";

serve(
  { auth: "user", methods: ["GET"] },
  async ({ query, user }) => await listMailboxes(user(), query(MailboxesQuery)),
);
