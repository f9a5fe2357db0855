// send-email: an agent replies to a ticket. The reply goes through Graph (createReply -> send,
// or a MIME sendMail with our signed Message-ID when there is nothing to reply to) over the
// mailbox's write connection, and is recorded on the ticket only once Microsoft accepted it.
import { serve } from "../_shared/http.ts";
import { ReplyRequest, sendReply } from "../_shared/mail/send-reply.ts";

serve(
  { auth: "user", methods: ["POST"] },
  async ({ body, user }) => await sendReply(user(), await body(ReplyRequest)),
);
