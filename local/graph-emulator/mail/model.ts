// The mail store's data: mailboxes, folders, messages and attachments as the emulator keeps them.
// Graph shapes are produced from these by serialize.ts; delta bookkeeping lives beside each item.
import type { Tenant, User } from "../world/types.ts";
import type { DeltaLog } from "./delta-log.ts";
import type { SyncStates } from "./sync-states.ts";

export interface Address {
  name: string;
  address: string;
}

export interface Header {
  name: string;
  value: string;
}

export type Importance = "low" | "normal" | "high";

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface FollowupFlag {
  flagStatus: "notFlagged" | "complete" | "flagged";
  startDateTime?: DateTimeTimeZone;
  dueDateTime?: DateTimeTimeZone;
  completedDateTime?: DateTimeTimeZone;
}

export interface Body {
  contentType: "html" | "text";
  content: string;
}

/** Attachments get their ids from the message they are in (see ids.ts attachmentId). */
interface AttachmentBase {
  name: string;
  contentType: string;
  isInline: boolean;
  lastModified: number;
}

/** A file part (PDF, image, `text/rfc822-headers` of a bounce). */
export interface FileAttachment extends AttachmentBase {
  kind: "file";
  bytes: Uint8Array;
  contentId: string | null;
}

/** An attached message (`message/rfc822`, as a bounce carries the original). */
export interface ItemAttachment extends AttachmentBase {
  kind: "item";
  /** The attached message's raw MIME. */
  mime: string;
}

export type Attachment = FileAttachment | ItemAttachment;

/** What a message is made of, independent of where it is stored. */
export interface MessageContent {
  subject: string;
  /** Conversation topic (Thread-Topic): what Exchange derives conversationId from. */
  topic: string;
  body: Body;
  /** The part of the body that is new in this message (without quoted history); null = all of it. */
  uniqueBody: Body | null;
  from: Address | null;
  sender: Address | null;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  importance: Importance;
  /** RFC 5322 Message-ID with angle brackets; null on a draft before Exchange assigns one. */
  internetMessageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** Thread-Index (Graph conversationIndex), base64. */
  threadIndex: string;
  /** Headers beyond those derived from the fields (X- headers, Auto-Submitted, List-Unsubscribe, …). */
  extraHeaders: Header[];
  attachments: Attachment[];
  sentAt: number | null;
  /** A non-delivery report's machine-readable part (`message/delivery-status`): makes the message
   * `multipart/report; report-type=delivery-status`. */
  deliveryStatus: string | null;
  isDeliveryReceiptRequested: boolean;
  isReadReceiptRequested: boolean;
}

export interface StoredMessage extends MessageContent {
  mailbox: Mailbox;
  /** Item number within the mailbox: the immutable id's payload. */
  item: number;
  immutableId: string;
  /** REST id: changes whenever the item moves to another folder. */
  restId: string;
  folder: Folder;
  moves: number;
  /** changeKey counter. */
  version: number;
  createdAt: number;
  modifiedAt: number;
  receivedAt: number;
  isRead: boolean;
  isDraft: boolean;
  categories: string[];
  flag: FollowupFlag;
  inferenceClassification: "focused" | "other";
  conversationId: string;
  /** Arrived through transport: has internetMessageHeaders (Sent Items copies and drafts do not). */
  transported: boolean;
  /** Sequence of the last change that concerns delta (see delta-log.ts). */
  changeSeq: number;
  /** Sequence at which it entered its current folder. */
  enterSeq: number;
  /** Sequence of the last change of each updated property, for partial delta updates. */
  propSeqs: Map<string, number> | null;
}

export interface Folder {
  id: string;
  /** Number within the mailbox: part of the REST ids of its items. */
  no: number;
  mailbox: Mailbox;
  wellKnownName: string | null;
  displayName: string;
  parent: Folder | null;
  children: Folder[];
  hidden: boolean;
  items: Set<StoredMessage>;
  unread: number;
  log: DeltaLog;
  /** Items by receivedDateTime, newest first; rebuilt lazily after changes. */
  sorted: StoredMessage[] | null;
}

export interface Mailbox {
  user: User;
  tenant: Tenant;
  /** Short stable token embedded in ids. */
  key: string;
  /** Primary SMTP address, lower case. */
  address: string;
  displayName: string;
  locale: string;
  /** Top of Information Store (`msgfolderroot`): the parent of Inbox, Drafts, …. */
  root: Folder;
  folders: Map<string, Folder>;
  wellKnown: Map<string, Folder>;
  byImmutableId: Map<string, StoredMessage>;
  byRestId: Map<string, StoredMessage>;
  nextItem: number;
  /** Mailbox-wide change sequence: orders delta logs and sync states. */
  seq: number;
  /** Users (ids) with FullAccess, as Exchange grants on shared mailboxes. */
  fullAccess: Set<string>;
  syncStates: SyncStates;
}
