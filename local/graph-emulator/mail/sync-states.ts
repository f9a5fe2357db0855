// Exchange's delta token cache, per mailbox: every page served issues a new sync state
// ("generation"); the cache keeps a limited number and may drop old ones, after which the token
// is answered 410 SyncStateNotFound. Tokens hold only the generation; the state stays here.

export interface SyncState {
  folderId: string;
  /** Changes after this sequence belong to the round. */
  fromSeq: number;
  /** Entries up to this sequence were already served in the round. */
  cursorSeq: number;
  /** The first round: current items only, no removals. */
  initial: boolean;
  /** Items served so far in the round (the 5,000 cap of a filtered delta). */
  served: number;
  issuedAt: number;
}

export class SyncStates {
  #states = new Map<number, SyncState>();
  #gen = 0;

  issue(state: SyncState, capacity: number): number {
    const gen = ++this.#gen;
    this.#states.set(gen, state);
    for (const old of this.#states.keys()) {
      if (this.#states.size <= capacity) break;
      this.#states.delete(old);
    }
    return gen;
  }

  get(gen: number, now: number, maxAgeMs: number | null): SyncState | undefined {
    const s = this.#states.get(gen);
    if (s && maxAgeMs !== null && now - s.issuedAt > maxAgeMs) {
      this.#states.delete(gen);
      return undefined;
    }
    return s;
  }

  /** Drops the states of one folder (or all); returns how many. */
  expire(folderId?: string): number {
    let n = 0;
    for (const [gen, s] of this.#states) {
      if (folderId === undefined || s.folderId === folderId) {
        this.#states.delete(gen);
        n++;
      }
    }
    return n;
  }

  get highest(): number {
    return this.#gen;
  }

  /** Generations still held, newest first (what the 410 message lists). */
  recent(n: number): number[] {
    return [...this.#states.keys()].slice(-n).reverse();
  }

  get size(): number {
    return this.#states.size;
  }
}
