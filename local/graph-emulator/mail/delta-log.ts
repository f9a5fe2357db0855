// A folder's change log for delta queries: entries ordered by the mailbox's change sequence. A live
// entry is current only while its item still sits in the folder with that sequence; removals stay
// as tombstones. A round from sequence S reads the entries after S in order, so paging is a binary
// search plus a slice however large the folder is.
import type { Folder, StoredMessage } from "./model.ts";

export interface Removal {
  removed: true;
  restId: string;
  immutableId: string;
  /** When the item had entered the folder: clients that synced before then knew it. */
  enterSeq: number;
}

export type LogEntry = StoredMessage | Removal;

export class DeltaLog {
  readonly seqs: number[] = [];
  readonly entries: LogEntry[] = [];
  #stale = 0;

  constructor(private readonly folder: Folder) {}

  add(seq: number, entry: LogEntry): void {
    this.seqs.push(seq);
    this.entries.push(entry);
  }

  /** An item of this folder changed again or left: one entry fewer is current. */
  superseded(): void {
    if (++this.#stale > 512 && this.#stale * 2 > this.seqs.length) this.#compact();
  }

  isCurrent(i: number): boolean {
    const e = this.entries[i];
    return "removed" in e || (e.folder === this.folder && e.changeSeq === this.seqs[i]);
  }

  /** Index of the first entry with a sequence above `seq`. */
  after(seq: number): number {
    let lo = 0, hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid] <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #compact(): void {
    let w = 0;
    for (let r = 0; r < this.seqs.length; r++) {
      if (!this.isCurrent(r)) continue;
      this.seqs[w] = this.seqs[r];
      this.entries[w] = this.entries[r];
      w++;
    }
    this.seqs.length = w;
    this.entries.length = w;
    this.#stale = 0;
  }
}
