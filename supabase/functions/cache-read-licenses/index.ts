// cache-read-licenses: GET ?clientId= — the organization's licences per SKU and per Basic/Standard/Premium/Others bucket, from the cache, with fetched_at, expires_at and stale.
import { serveCacheRead } from "../_shared/posture/read.ts";

serveCacheRead("licenses");
