// cache-read-compliance: GET ?clientId= — the organization's compliance checks, overall status and score, from the cache, with fetched_at, expires_at and stale.
import { serveCacheRead } from "../_shared/posture/read.ts";

serveCacheRead("compliance");
