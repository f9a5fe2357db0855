// GET /users/delta (notes §3.3, pitfall 7): an initial round over every user in $skiptoken pages
// ending in an @odata.deltaLink whose $deltatoken later returns what changed (users whose properties
// changed, new users, removed ones as `@removed`). Query options belong to the first request and
// travel inside the opaque tokens. Directory tokens last seven days; an expired or unknown one is a
// 400 `syncStateNotFound`, where Outlook answers 410 `SyncStateNotFound`.
import { endpoint, type EndpointContext } from "../graph/endpoint.ts";
import { GraphError } from "../graph/errors.ts";
import { contextUrl, option, selectedProperties } from "../graph/odata.ts";
import { DIRECTORY } from "../graph/workloads.ts";
import { randomToken } from "../identity/keys.ts";
import type { User, World } from "../world/types.ts";
import { READ_ALL_APPLICATION, READ_ALL_DELEGATED, userJson } from "./users.ts";

const PAGE_SIZE = 100;
const TOKEN_LIFETIME_MS = 7 * 86_400_000;
/** Sync states kept per world; older ones are forgotten (their tokens then answer syncStateNotFound). */
const KEPT_STATES = 1000;

type Fingerprints = Map<string, number>;

/** A round of pages, or what a deltatoken stands for: the users as they were, and what to return. */
interface SyncState {
  tenantId: string;
  select: string[] | null;
  issuedAt: number;
  /** Users as of the previous round; null on the initial round (everyone is new). */
  baseline: Fingerprints | null;
  /** Users when this round began: the next deltatoken's baseline. */
  snapshot: Fingerprints;
}

const STATES = new WeakMap<World, Map<string, SyncState>>();

export const usersDelta = endpoint({
  method: "GET",
  path: "/users/delta",
  permissions: { delegated: READ_ALL_DELEGATED, application: READ_ALL_APPLICATION },
  workload: DIRECTORY,
  query: ["$select", "$skiptoken", "$deltatoken"],
  handler(ctx) {
    const now = ctx.runtime.clock.now();
    const skip = option(ctx.url, "$skiptoken");
    const delta = option(ctx.url, "$deltatoken");
    let round: SyncState;
    let roundKey: string | null = null;
    let offset = 0;
    if (skip !== null) {
      [roundKey, offset] = decode(skip);
      round = stateOf(ctx, roundKey, now);
    } else {
      const since = delta === null || delta === "latest" ? null : stateOf(ctx, delta, now);
      const snapshot = fingerprints(ctx.tenant.users);
      round = {
        tenantId: ctx.tenant.id,
        select: since ? since.select : selectedProperties(ctx, "user"),
        issuedAt: now,
        baseline: delta === "latest" ? snapshot : since?.snapshot ?? null,
        snapshot,
      };
    }
    const changes = changesOf(ctx, round);
    const end = offset + PAGE_SIZE;
    const body: Record<string, unknown> = {
      "@odata.context": contextUrl(ctx.origin, "users", round.select, false),
      value: changes.slice(offset, end),
    };
    const link = (name: string, token: string) => `${ctx.origin}/v1.0/users/delta?${name}=${token}`;
    if (end < changes.length) {
      body["@odata.nextLink"] = link("$skiptoken", encode(roundKey ?? keep(ctx, round), end));
    } else {
      const next = { ...round, issuedAt: now, baseline: round.snapshot };
      body["@odata.deltaLink"] = link("$deltatoken", keep(ctx, next));
    }
    return { status: 200, body };
  },
});

/** Changed and new users with the round's properties (and always their id), then removed ones as
 * Graph reports a deleted user that can still be restored, in a stable order. */
function changesOf(ctx: EndpointContext, round: SyncState): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const select = round.select && !round.select.includes("id") ? [...round.select, "id"] : round.select;
  for (const u of ctx.tenant.users) {
    if (round.baseline?.get(u.id) !== round.snapshot.get(u.id)) out.push(userJson(ctx, u, select));
  }
  for (const id of round.baseline?.keys() ?? []) {
    if (!round.snapshot.has(id)) out.push({ id, "@removed": { reason: "changed" } });
  }
  return out;
}

function fingerprints(users: readonly User[]): Fingerprints {
  return new Map(users.map((u) => [u.id, fnv1a(JSON.stringify(u.graph))]));
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function statesOf(ctx: EndpointContext): Map<string, SyncState> {
  let states = STATES.get(ctx.runtime.world);
  if (!states) STATES.set(ctx.runtime.world, states = new Map());
  return states;
}

/** Stores a state under a fresh opaque key. */
function keep(ctx: EndpointContext, state: SyncState): string {
  const states = statesOf(ctx);
  const key = randomToken("", 24);
  states.set(key, state);
  for (const old of states.keys()) {
    if (states.size <= KEPT_STATES) break;
    states.delete(old);
  }
  return key;
}

function stateOf(ctx: EndpointContext, key: string, now: number): SyncState {
  const state = statesOf(ctx).get(key);
  if (!state || state.tenantId !== ctx.tenant.id || now - state.issuedAt > TOKEN_LIFETIME_MS) {
    throw new GraphError(
      400,
      "syncStateNotFound",
      "The sync state generation is not found. The delta token is expired and data must be synchronized again.",
    );
  }
  return state;
}

const encode = (key: string, offset: number) => `${key}.${offset.toString(36)}`;

function decode(token: string): [string, number] {
  const [key, at] = token.split(".");
  return [key, at ? parseInt(at, 36) || 0 : 0];
}
