// GET /users/{id}/mailboxSettings (and /me/mailboxSettings): the lightweight mailbox-scoped
// endpoint; Outlook throttling (4 concurrent, 10,000 per 10 minutes per app and mailbox) applies.
import { endpoint } from "../graph/endpoint.ts";
import { EXCHANGE } from "../graph/workloads.ts";
import { OUTLOOK } from "../throttle/classes.ts";

export const getMailboxSettings = endpoint({
  method: "GET",
  path: "/users/{user}/mailboxSettings",
  // There is no delegated permission to read someone else's mailbox settings.
  permissions: {
    delegated: ["MailboxSettings.Read", "MailboxSettings.ReadWrite"],
    delegatedOthers: [],
    application: ["MailboxSettings.Read", "MailboxSettings.ReadWrite"],
  },
  workload: EXCHANGE,
  throttle: [OUTLOOK],
  handler(ctx) {
    const user = ctx.user!;
    return {
      status: 200,
      body: {
        "@odata.context": `${ctx.origin}/v1.0/$metadata#users('${user.id}')/mailboxSettings`,
        ...user.mailbox!.settings,
      },
    };
  },
});
