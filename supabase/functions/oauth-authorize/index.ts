// oauth-authorize: start connecting a Microsoft 365 mailbox. Answers Microsoft's authorize URL as
// JSON, or as a 302 with response=redirect. Admins connect mailboxes for the account; agents their own.
import { ConnectRequest, startConnect } from "../_shared/connect.ts";
import { serve } from "../_shared/http.ts";

serve({ auth: "user" }, async ({ method, query, body, user }) => {
  const input = method === "GET" ? query(ConnectRequest) : await body(ConnectRequest);
  const started = await startConnect(user(), input);
  return input.response === "redirect"
    ? new Response(null, { status: 302, headers: { Location: started.authorize_url } })
    : started;
});
