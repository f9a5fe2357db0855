// m365_sync_status as refreshes use it: the lease that lets one refresh of a dataset run at a time
// (across instances), and each refresh's end: saved in the same transaction as its data, or
// failed with the reason while the old data stays. Refused credentials back off (1, 2, 4 ... 30
// days) until they change.
import { sql, type Tx } from "../db.ts";
import type { Computed, DatasetName, Organization } from "./dataset.ts";
import type { Failure } from "./failures.ts";

export interface SyncRow {
  dataset: DatasetName;
  status: string | null;
  error: string | null;
  warnings: string[];
  row_count: number | null;
  fetched_at: Date | null;
  attempted_at: Date | null;
  failures: number;
  retry_after: Date | null;
}

/** Hold the datasets for a refresh until `until`; answers those it got (others are refreshing). */
export async function takeLeases(
  org: Organization,
  datasets: DatasetName[],
  until: Date,
): Promise<DatasetName[]> {
  const rows = await sql()<{ dataset: DatasetName }[]>`
    insert into public.m365_sync_status as s (organization_id, dataset, account_id, refreshing_until)
    select ${org.id}, d, ${org.account_id}, ${until} from unnest(${datasets}::text[]) d
    on conflict (organization_id, dataset) do update set refreshing_until = excluded.refreshing_until
      where s.refreshing_until is null or s.refreshing_until < now()
    returning dataset`;
  return rows.map((r) => r.dataset);
}

export async function recordSaved(
  tx: Tx,
  org: Organization,
  dataset: DatasetName,
  computed: Computed<unknown>,
  at: Date,
) {
  await tx`update public.m365_sync_status set status = ${computed.unlicensed ? "unlicensed" : "ok"},
      error = ${computed.unlicensed ?? null}, warnings = ${
    computed.warnings ?? []
  }::text[], row_count = ${computed.rows},
      fetched_at = ${at}, attempted_at = ${at}, failures = 0, retry_after = null, refreshing_until = null
    where organization_id = ${org.id} and dataset = ${dataset}`;
}

export async function recordFailed(org: Organization, dataset: DatasetName, failure: Failure, at: Date) {
  await sql()`update public.m365_sync_status set status = ${failure.status}, error = ${failure.message},
      attempted_at = ${at}, failures = failures + 1, refreshing_until = null,
      retry_after = case when ${failure.credentials ?? false}
        then ${at}::timestamptz + least(interval '30 days', interval '1 day' * power(2, failures)) end
    where organization_id = ${org.id} and dataset = ${dataset}`;
}

/** Give up leases a refresh took but did not use. */
export async function releaseLeases(org: Organization, datasets: DatasetName[]) {
  if (!datasets.length) return;
  await sql()`update public.m365_sync_status set refreshing_until = null
    where organization_id = ${org.id} and dataset = any(${datasets}::text[])`;
}

export async function syncStatusOf(
  tx: Tx,
  organizationId: string,
  dataset: DatasetName,
): Promise<SyncRow | null> {
  const [row] = await tx<SyncRow[]>`
    select dataset, status, error, warnings, row_count, fetched_at, attempted_at, failures, retry_after
    from public.m365_sync_status where organization_id = ${organizationId} and dataset = ${dataset}`;
  return row ?? null;
}
