// connections: list an account's Microsoft 365 connections with their health (never a secret);
// disconnect one (DELETE, or POST /connections/disconnect).
import { ConnectionRef, disconnect, listConnections, ListQuery } from "../_shared/connections.ts";
import { NotFound } from "../_shared/errors.ts";
import { serve } from "../_shared/http.ts";

serve(
  { auth: { GET: "user", POST: "user", DELETE: "user" } },
  async ({ method, route, query, body, user }) => {
    if (method === "GET") return await listConnections(user(), query(ListQuery).account_id);
    if (method === "DELETE") return await disconnect(user(), query(ConnectionRef).connection_id);
    if (route !== "disconnect") {
      throw new NotFound(
        `no such action: ${route || "(none)"}; use /connections/disconnect`,
      );
    }
    return await disconnect(user(), (await body(ConnectionRef)).connection_id);
  },
);
