// The posture datasets by name (also the suffix of their cache-write-*/cache-read-* functions).
import { compliance } from "./compliance.ts";
import type { Dataset, DatasetName } from "./dataset.ts";
import { licenses } from "./licenses.ts";
import { mfa } from "./mfa.ts";
import { secureScore } from "./secure-score.ts";
import { userDetails } from "./user-details.ts";
import { users } from "./users.ts";

export const DATASETS: Record<DatasetName, Dataset> = {
  compliance,
  mfa,
  licenses,
  "secure-score": secureScore,
  users,
  "user-details": userDetails,
} as Record<DatasetName, Dataset>;

export { DATASET_NAMES, type DatasetName } from "./dataset.ts";
