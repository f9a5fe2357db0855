// link-email: links from mail to work orders. GET lists (by message or reference); POST links
// by hand; DELETE unlinks. The sync links by the mailbox's patterns on its own.
import { serve } from "../_shared/http.ts";
import { link, LinkRequest, LinksQuery, listLinks, unlink } from "../_shared/mail/links.ts";

serve({ auth: { GET: "user", POST: "user", DELETE: "user" } }, async ({ method, query, body, user }) => {
  if (method === "GET") return await listLinks(user(), query(LinksQuery));
  if (method === "DELETE") return await unlink(user(), await body(LinkRequest));
  return await link(user(), await body(LinkRequest));
});
