// The message store: mailboxes with folder trees, and the only operations that change them
// (insert, update, move, copy, purge). Each keeps ids, counts, delta logs and sort caches right and
// reports the change to a listener (change notifications), so callers cannot forget any of it.
import type { Tenant, User } from "../world/types.ts";
import { DeltaLog } from "./delta-log.ts";
import { folderDisplayName, rootDisplayName, type WellKnownName } from "./folder-names.ts";
import { folderId, immutableId, mailboxKey, restId } from "./ids.ts";
import type { Folder, FollowupFlag, Mailbox, MessageContent, StoredMessage } from "./model.ts";
import { SyncStates } from "./sync-states.ts";

export type ChangeKind = "created" | "updated" | "deleted";

export interface MailChange {
  kind: ChangeKind;
  message: StoredMessage;
  /** The folder the change happened in (for `deleted`: the one the item left). */
  folder: Folder;
  /** The ids the item had in that folder. */
  restId: string;
  immutableId: string;
  /** A move: the mailbox as a whole saw an update, not a removal and a creation. */
  moved: boolean;
}

/** Properties a client may change on a received message (PATCH, Outlook actions). */
export interface MessageState {
  isRead: boolean;
  categories: string[];
  flag: FollowupFlag;
  importance: MessageContent["importance"];
  inferenceClassification: "focused" | "other";
}

export interface InsertOptions {
  at: number;
  receivedAt?: number;
  isRead?: boolean;
  isDraft?: boolean;
  transported?: boolean;
  categories?: string[];
  flag?: FollowupFlag;
  inferenceClassification?: "focused" | "other";
  conversationId: string;
  /** Keep this immutable id (a draft that becomes its Sent Items copy). */
  item?: number;
}

/** Default folders below msgfolderroot, in the order Outlook lists them; `hidden` ones only show
 * with includeHiddenFolders. */
const DEFAULT_TREE: { name: WellKnownName; hidden?: boolean; children?: WellKnownName[] }[] = [
  { name: "archive" },
  { name: "clutter", hidden: true },
  { name: "conversationhistory" },
  { name: "deleteditems" },
  { name: "drafts" },
  { name: "inbox" },
  { name: "junkemail" },
  { name: "outbox" },
  { name: "scheduled", hidden: true },
  { name: "sentitems" },
  { name: "syncissues", hidden: true, children: ["conflicts", "localfailures", "serverfailures"] },
];

export class MailStore {
  readonly mailboxes = new Map<string, Mailbox>();
  /** Every SMTP address of every mailbox, lower case. */
  readonly byAddress = new Map<string, Mailbox>();
  listener: ((c: MailChange) => void) | null = null;

  createMailbox(tenant: Tenant, user: User, locale: string): Mailbox {
    const key = mailboxKey(user.id);
    const mbx = {
      user,
      tenant,
      key,
      address: (user.graph.mail ?? user.graph.userPrincipalName).toLowerCase(),
      displayName: user.graph.displayName,
      locale,
      folders: new Map(),
      wellKnown: new Map(),
      byImmutableId: new Map(),
      byRestId: new Map(),
      nextItem: 1,
      seq: 0,
      fullAccess: new Set(),
      syncStates: new SyncStates(),
    } as unknown as Mailbox;
    mbx.root = this.#folder(mbx, null, rootDisplayName(locale), "msgfolderroot", false);
    for (const f of DEFAULT_TREE) {
      const folder = this.#folder(
        mbx,
        mbx.root,
        folderDisplayName(f.name, locale),
        f.name,
        f.hidden ?? false,
      );
      for (const c of f.children ?? []) this.#folder(mbx, folder, folderDisplayName(c, locale), c, false);
    }
    // Graph's DELETE puts items here (the dumpster), outside the folders Outlook shows.
    const recoverable = this.#folder(mbx, null, "Recoverable Items", "recoverableitemsroot", true);
    this.#folder(mbx, recoverable, "Deletions", "recoverableitemsdeletions", true);
    this.mailboxes.set(user.id, mbx);
    for (const a of [mbx.address, ...user.graph.proxyAddresses.map((p) => p.slice(5).toLowerCase())]) {
      this.byAddress.set(a, mbx);
    }
    return mbx;
  }

  addFolder(parent: Folder, displayName: string): Folder {
    return this.#folder(parent.mailbox, parent, displayName, null, false);
  }

  #folder(mbx: Mailbox, parent: Folder | null, displayName: string, wk: string | null, hidden: boolean) {
    const no = mbx.folders.size + 1;
    const folder = {
      id: folderId(mbx.key, no),
      no,
      mailbox: mbx,
      wellKnownName: wk,
      displayName,
      parent,
      children: [],
      hidden,
      items: new Set(),
      unread: 0,
      sorted: null,
    } as unknown as Folder;
    folder.log = new DeltaLog(folder);
    mbx.folders.set(folder.id, folder);
    if (wk) mbx.wellKnown.set(wk, folder);
    parent?.children.push(folder);
    return folder;
  }

  /** A folder by id (case-sensitive) or well-known name (case-insensitive). */
  folder(mbx: Mailbox, idOrName: string): Folder | undefined {
    return mbx.folders.get(idOrName) ?? mbx.wellKnown.get(idOrName.toLowerCase());
  }

  wellKnown(mbx: Mailbox, name: string): Folder {
    const f = mbx.wellKnown.get(name);
    if (!f) throw new Error(`mailbox ${mbx.address} has no ${name} folder`);
    return f;
  }

  /** A message by REST or immutable id; ids are case-sensitive, like Exchange's. */
  message(mbx: Mailbox, id: string): StoredMessage | undefined {
    return mbx.byRestId.get(id) ?? mbx.byImmutableId.get(id);
  }

  insert(folder: Folder, content: MessageContent, o: InsertOptions): StoredMessage {
    const mbx = folder.mailbox;
    const item = o.item ?? mbx.nextItem++;
    const msg: StoredMessage = {
      ...content,
      mailbox: mbx,
      item,
      immutableId: immutableId(mbx.key, item),
      restId: restId(mbx.key, item, folder.no, 0),
      folder,
      moves: 0,
      version: 1,
      createdAt: o.at,
      modifiedAt: o.at,
      receivedAt: o.receivedAt ?? o.at,
      isRead: o.isRead ?? false,
      isDraft: o.isDraft ?? false,
      categories: o.categories ?? [],
      flag: o.flag ?? { flagStatus: "notFlagged" },
      inferenceClassification: o.inferenceClassification ?? "focused",
      conversationId: o.conversationId,
      transported: o.transported ?? false,
      changeSeq: 0,
      enterSeq: 0,
      propSeqs: null,
    };
    mbx.byImmutableId.set(msg.immutableId, msg);
    mbx.byRestId.set(msg.restId, msg);
    this.#enter(msg, folder);
    this.#emit("created", msg, folder, false);
    return msg;
  }

  /** Changes properties of a message in place; `names` are the Graph property names touched. */
  update(msg: StoredMessage, changes: Partial<StoredMessage>, at: number): void {
    const names = Object.keys(changes).filter((k) =>
      JSON.stringify(changes[k as keyof StoredMessage]) !== JSON.stringify(msg[k as keyof StoredMessage])
    );
    if (!names.length) return;
    const folder = msg.folder;
    if (changes.isRead !== undefined && changes.isRead !== msg.isRead) {
      folder.unread += changes.isRead ? -1 : 1;
    }
    if (changes.receivedAt !== undefined) folder.sorted = null;
    Object.assign(msg, changes);
    msg.version++;
    msg.modifiedAt = at;
    folder.log.superseded();
    const seq = ++folder.mailbox.seq;
    msg.changeSeq = seq;
    msg.propSeqs ??= new Map();
    for (const n of [...names, "lastModifiedDateTime", "changeKey"]) msg.propSeqs.set(n, seq);
    folder.log.add(seq, msg);
    this.#emit("updated", msg, folder, false);
  }

  move(msg: StoredMessage, dest: Folder, at: number): void {
    if (msg.folder === dest) return;
    const from = msg.folder;
    const old = { restId: msg.restId, immutableId: msg.immutableId };
    this.#leave(msg);
    this.#emit("deleted", msg, from, true, old.restId);
    msg.moves++;
    msg.mailbox.byRestId.delete(old.restId);
    msg.restId = restId(msg.mailbox.key, msg.item, dest.no, msg.moves);
    msg.mailbox.byRestId.set(msg.restId, msg);
    msg.version++;
    msg.modifiedAt = at;
    this.#enter(msg, dest);
    this.#emit("created", msg, dest, true);
  }

  copy(msg: StoredMessage, dest: Folder, at: number): StoredMessage {
    return this.insert(dest, structuredContent(msg), {
      at,
      receivedAt: msg.receivedAt,
      isRead: msg.isRead,
      isDraft: msg.isDraft,
      transported: msg.transported,
      categories: [...msg.categories],
      flag: { ...msg.flag },
      inferenceClassification: msg.inferenceClassification,
      conversationId: msg.conversationId,
    });
  }

  /** Removes the item for good (purge, or a draft that turns into its Sent Items copy). */
  purge(msg: StoredMessage): void {
    const from = msg.folder;
    this.#leave(msg);
    // No sequence is current for it any more: a fresh delta round must not list it.
    msg.changeSeq = -1;
    msg.mailbox.byImmutableId.delete(msg.immutableId);
    msg.mailbox.byRestId.delete(msg.restId);
    this.#emit("deleted", msg, from, false);
  }

  #enter(msg: StoredMessage, folder: Folder): void {
    const seq = ++folder.mailbox.seq;
    msg.folder = folder;
    msg.changeSeq = seq;
    msg.enterSeq = seq;
    msg.propSeqs = null;
    folder.items.add(msg);
    if (!msg.isRead) folder.unread++;
    folder.sorted = null;
    folder.log.add(seq, msg);
  }

  #leave(msg: StoredMessage): void {
    const folder = msg.folder;
    folder.items.delete(msg);
    if (!msg.isRead) folder.unread--;
    folder.sorted = null;
    folder.log.superseded();
    folder.log.add(++folder.mailbox.seq, {
      removed: true,
      restId: msg.restId,
      immutableId: msg.immutableId,
      enterSeq: msg.enterSeq,
    });
  }

  #emit(kind: ChangeKind, msg: StoredMessage, folder: Folder, moved: boolean, rest = msg.restId): void {
    this.listener?.({ kind, message: msg, folder, restId: rest, immutableId: msg.immutableId, moved });
  }
}

/** The content of a stored message, detached from its place (for copies and forwards). */
export function structuredContent(msg: StoredMessage): MessageContent {
  return {
    subject: msg.subject,
    topic: msg.topic,
    body: { ...msg.body },
    uniqueBody: msg.uniqueBody && { ...msg.uniqueBody },
    from: msg.from,
    sender: msg.sender,
    to: [...msg.to],
    cc: [...msg.cc],
    bcc: [...msg.bcc],
    replyTo: [...msg.replyTo],
    importance: msg.importance,
    internetMessageId: msg.internetMessageId,
    inReplyTo: msg.inReplyTo,
    references: [...msg.references],
    threadIndex: msg.threadIndex,
    extraHeaders: [...msg.extraHeaders],
    attachments: [...msg.attachments],
    sentAt: msg.sentAt,
    deliveryStatus: msg.deliveryStatus,
    isDeliveryReceiptRequested: msg.isDeliveryReceiptRequested,
    isReadReceiptRequested: msg.isReadReceiptRequested,
  };
}
