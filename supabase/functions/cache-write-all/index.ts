// cache-write-all: refresh every dataset of the organization from Microsoft Graph (worker with the
// secret key: drains its queue, or POST {clientId}; an account admin: POST {clientId}).
import { serveCacheWrite } from "../_shared/posture/write.ts";

serveCacheWrite("all");
