// cache-write-secure-score: refresh the organization's newest Secure Score with its improvement and completed actions from Microsoft Graph (worker with the
// secret key: drains its queue, or POST {clientId}; an account admin: POST {clientId}).
import { serveCacheWrite } from "../_shared/posture/write.ts";

serveCacheWrite("secure-score");
