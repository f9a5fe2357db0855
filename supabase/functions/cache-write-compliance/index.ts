// cache-write-compliance: refresh the organization's compliance checks, overall status and score from Microsoft Graph (worker with the
// secret key: drains its queue, or POST {clientId}; an account admin: POST {clientId}).
import { serveCacheWrite } from "../_shared/posture/write.ts";

serveCacheWrite("compliance");
