// cache-write-licenses: refresh the organization's licences per SKU and per Basic/Standard/Premium/Others bucket from Microsoft Graph (worker with the
// secret key: drains its queue, or POST {clientId}; an account admin: POST {clientId}).
import { serveCacheWrite } from "../_shared/posture/write.ts";

serveCacheWrite("licenses");
