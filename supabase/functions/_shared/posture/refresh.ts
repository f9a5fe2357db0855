// One refresh of an organization's datasets: hold them, read Graph once for all of them through one
// batching reader, and save each dataset with its status in its own transaction, so a dataset that
// fails keeps its previous snapshot and never stops the others.
import { appOnlyToken } from "../app-credentials.ts";
import { asService, sql } from "../db.ts";
import { appGraph } from "../graph.ts";
import { Conflict, HttpError, RetryLater, UpstreamError } from "../errors.ts";
import { log } from "../log.ts";
import type { DatasetName, Organization, ReadParams } from "./dataset.ts";
import { DATASETS } from "./datasets.ts";
import { classify, type Failure, type SyncStatus } from "./failures.ts";
import { GraphReads, type ReadStats } from "./graph-reads.ts";
import { recordFailed, recordSaved, releaseLeases, takeLeases } from "./sync-status.ts";

export interface DatasetOutcome {
  dataset: DatasetName;
  /** `busy`: another refresh of it was already running. */
  status: SyncStatus | "busy";
  error: string | null;
  rows: number | null;
  retryAfterSeconds?: number;
  credentials?: boolean;
}

export interface RefreshReport {
  organization_id: string;
  outcomes: DatasetOutcome[];
  requests: ReadStats;
}

// A lease outlives the refresh's deadline a little, for the last save.
const LEASE_MARGIN_MS = 30_000;

function failed(dataset: DatasetName, failure: Failure): DatasetOutcome {
  return {
    dataset,
    status: failure.status,
    error: failure.message,
    rows: null,
    retryAfterSeconds: failure.retryAfterSeconds,
    credentials: failure.credentials,
  };
}

async function refreshOne(org: Organization, name: DatasetName, reads: GraphReads, now: Date) {
  let computed;
  try {
    computed = await DATASETS[name].compute(reads, now);
  } catch (error) {
    const failure = classify(error);
    await recordFailed(org, name, failure, now);
    return failed(name, failure);
  }
  try {
    await asService(async (tx) => {
      await DATASETS[name].save(tx, org, computed.facts);
      await recordSaved(tx, org, name, computed, now);
    });
  } catch (error) {
    log("error", "saving a posture snapshot failed", {
      dataset: name,
      organization: org.id,
      error: String(error),
    });
    const failure: Failure = {
      status: "error",
      message: "saving the snapshot failed; the previous one is kept",
    };
    await recordFailed(org, name, failure, now);
    return failed(name, failure);
  }
  const status = computed.unlicensed ? "unlicensed" : "ok";
  return { dataset: name, status, error: computed.unlicensed ?? null, rows: computed.rows } as DatasetOutcome;
}

export async function refresh(
  org: Organization,
  names: readonly DatasetName[],
  deadline: number,
): Promise<RefreshReport> {
  const now = new Date();
  const held = await takeLeases(org, [...names], new Date(deadline + LEASE_MARGIN_MS));
  const busy = names.filter((n) => !held.includes(n))
    .map((dataset): DatasetOutcome => ({ dataset, status: "busy", error: null, rows: null }));
  const { client, log: calls } = appGraph(org, deadline);
  const reads = new GraphReads(client, deadline);
  try {
    if (!held.length) return { organization_id: org.id, outcomes: busy, requests: reads.stats };
    try {
      // Refused credentials and identity outages surface as themselves here, not wrapped by the SDK.
      await appOnlyToken(org.id);
    } catch (error) {
      const failure = classify(error);
      for (const name of held) await recordFailed(org, name, failure, now);
      return {
        organization_id: org.id,
        outcomes: [...held.map((n) => failed(n, failure)), ...busy],
        requests: reads.stats,
      };
    }
    const outcomes = await Promise.all(held.map((name) => refreshOne(org, name, reads, now)));
    return { organization_id: org.id, outcomes: [...outcomes, ...busy], requests: reads.stats };
  } catch (error) {
    await releaseLeases(org, held);
    throw error;
  } finally {
    await calls.flush(sql()).catch(() => {});
  }
}

/**
 * A dataset computed from Graph now, without touching the cache (tests and benchmarks); `now`
 * stands in for the measurement time. View it as the cache would: DATASETS[name].view(facts).
 */
export async function liveFacts(
  org: Organization,
  name: DatasetName,
  options: { now?: Date; deadline?: number } = {},
): Promise<unknown> {
  const deadline = options.deadline ?? Date.now() + 60_000;
  const { client, log: calls } = appGraph(org, deadline);
  try {
    await appOnlyToken(org.id);
    return (await DATASETS[name].compute(new GraphReads(client, deadline), options.now ?? new Date())).facts;
  } finally {
    await calls.flush(sql()).catch(() => {});
  }
}

/** The dashboard JSON computed from Graph now (see liveFacts). */
export async function liveView(
  org: Organization,
  name: DatasetName,
  options: { params?: ReadParams; now?: Date; deadline?: number } = {},
) {
  return DATASETS[name].view(await liveFacts(org, name, options), options.params ?? {});
}

/** What a person who asked for a refresh is told when it did not save (null when it did). */
export function errorFor(o: DatasetOutcome): HttpError | null {
  switch (o.status) {
    case "ok":
    case "unlicensed":
      return null;
    case "busy":
      return new Conflict(
        `a refresh of ${o.dataset} for this organization is already running`,
        "refresh_running",
      );
    case "throttled":
      return new RetryLater(`Microsoft is throttling: ${o.error}`, o.retryAfterSeconds ?? 60);
    case "forbidden":
      return new UpstreamError(`Microsoft refused access: ${o.error}`, "microsoft_forbidden");
    case "error":
      return o.retryAfterSeconds
        ? new RetryLater(o.error ?? "Microsoft failed", o.retryAfterSeconds)
        : new UpstreamError(o.error ?? "Microsoft failed");
  }
}
