// cache-write-user-details: refresh one user's licences, usage, activity, security, groups and devices from Microsoft Graph (worker with the
// secret key: drains its queue, or POST {clientId}; an account admin: POST {clientId}).
import { serveCacheWrite } from "../_shared/posture/write.ts";

serveCacheWrite("user-details");
