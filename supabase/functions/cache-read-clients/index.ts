// cache-read-clients: GET — the organizations of the caller's accounts (from the session; a u_id
// parameter may only name the caller).
import { serve } from "../_shared/http.ts";
import { ClientsQuery, readClients } from "../_shared/posture/clients.ts";

serve({ auth: "user", methods: ["GET"] }, ({ user, query }) => readClients(user(), query(ClientsQuery)));
