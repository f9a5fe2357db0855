// cache-read-all: GET ?clientId= — compliance, MFA, licences, Secure Score and users of the
// organization, each found or not with its own freshness.
import { serve } from "../_shared/http.ts";
import { ClientQuery } from "../_shared/posture/read.ts";
import { readAll } from "../_shared/posture/read-all.ts";

serve({ auth: "user", methods: ["GET"] }, ({ user, query }) => readAll(user(), query(ClientQuery).clientId));
