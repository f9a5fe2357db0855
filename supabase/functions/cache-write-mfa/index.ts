// cache-write-mfa: refresh MFA coverage of the organization's enabled member accounts from Microsoft Graph (worker with the
// secret key: drains its queue, or POST {clientId}; an account admin: POST {clientId}).
import { serveCacheWrite } from "../_shared/posture/write.ts";

serveCacheWrite("mfa");
