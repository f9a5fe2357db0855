// What a posture dataset is: it reads Graph into facts shaped like its table rows, saves and loads
// those facts, and views them as the dashboard's JSON. The live answer is view(compute()); the
// cached one is view(load()), so WRITE then READ gives the same JSON when save/load round-trip.
import type { Tx } from "../db.ts";
import type { GraphReads } from "./graph-reads.ts";

export const DATASET_NAMES = [
  "compliance",
  "mfa",
  "licenses",
  "secure-score",
  "users",
  "user-details",
] as const;
export type DatasetName = typeof DATASET_NAMES[number];

export interface Organization {
  id: string;
  account_id: string;
}

export interface ReadParams {
  /** user-details: the Graph user id. */
  userId?: string;
}

export interface Computed<F> {
  facts: F;
  rows: number;
  /** The tenant lacks a licence part of the data needs; the rest was read (status `unlicensed`). */
  unlicensed?: string;
  /** What the data lacks though it was read (e.g. concealed report names). */
  warnings?: string[];
}

export interface Dataset<F = unknown> {
  name: DatasetName;
  compute(reads: GraphReads, now: Date): Promise<Computed<F>>;
  save(tx: Tx, org: Organization, facts: F): Promise<void>;
  /** The cached facts (for `params`), or null when none are cached. */
  load(tx: Tx, organizationId: string, params: ReadParams): Promise<F | null>;
  view(facts: F, params: ReadParams): unknown;
}

export type Row = Record<string, unknown>;

/** Insert or update an organization's rows (the conflict key decides which). */
// Values go as they are: postgres.js binds them to the columns' types (json keeps key order,
// text[] takes arrays), so what is saved reads back the same.
export async function saveRows(tx: Tx, table: string, org: Organization, rows: Row[], key: string[]) {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500).map((r) => ({
      organization_id: org.id,
      account_id: org.account_id,
      ...r,
    }));
    const columns = Object.keys(chunk[0]);
    const updates = columns.filter((c) => !key.includes(c)).map((c) => `"${c}" = excluded."${c}"`).join(", ");
    await tx`insert into ${tx(table)} ${tx(chunk as never, columns)}
      on conflict (${tx(key)}) do update set ${tx.unsafe(updates)}`;
  }
}

export function saveRow(tx: Tx, table: string, org: Organization, row: Row, key: string[]) {
  return saveRows(tx, table, org, [row], key);
}

/** Replace all of an organization's rows (only ever with a complete set). */
export async function replaceRows(tx: Tx, table: string, org: Organization, rows: Row[]) {
  await tx`delete from ${tx(table)} where organization_id = ${org.id}`;
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000).map((r) => ({
      organization_id: org.id,
      account_id: org.account_id,
      ...r,
    }));
    await tx`insert into ${tx(table)} ${tx(chunk as never, Object.keys(chunk[0]))}`;
  }
}

/** A row without the tenancy columns the facts never carry. */
export function factsOf<T>(row: Row): T {
  const { organization_id: _o, account_id: _a, ...facts } = row;
  return facts as T;
}
