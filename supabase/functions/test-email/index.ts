// test-email: a connection's health, checked for real: token, scopes, mailbox reachable.
import { ConnectionRef } from "../_shared/connections.ts";
import { serve } from "../_shared/http.ts";
import { testConnection } from "../_shared/mailbox-probe.ts";

serve({ auth: "user" }, async ({ method, query, body, user }) => {
  const { connection_id } = method === "GET" ? query(ConnectionRef) : await body(ConnectionRef);
  return await testConnection(user(), connection_id);
});
