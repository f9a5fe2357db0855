// Run-time knobs of the mail plugin, changed through PATCH /_emulator/mail/settings. Defaults follow
// Microsoft's documented behaviour; delays are what a client sees as "not yet".

export interface MailSettings {
  /** sendMail/send/reply: the Sent Items copy appears this long after the 202. */
  sentItemsDelaySeconds: number;
  /** Mail to an emulated mailbox reaches its Inbox this long after it was sent. */
  deliveryDelaySeconds: number;
  /** Change notifications are posted this long after the change (Outlook: under a minute on average). */
  notificationDelaySeconds: number;
  /** Multiplies the notification retry schedule, the 4-hour give-up and the reauthorization cadence
   * (0.001 turns four hours into 14.4 seconds). */
  timeScale: number;
  /** A notification POST without a 2xx within this time has failed (Graph: 3 s). */
  notificationTimeoutMs: number;
  /** The subscription validation request's timeout (Graph: 10 s). */
  validationTimeoutMs: number;
  /** Longest subscription lifetime for messages: 10,080 minutes on current Learn pages, 4,230 in the
   * older ("legacy") tables. */
  subscriptionMaxMinutes: number;
  /** Active Outlook subscriptions per mailbox across apps. */
  subscriptionsPerMailbox: number;
  /** "partial": updated delta entries carry only what changed (+ id, parentFolderId), as observed. */
  deltaUpdates: "partial" | "full";
  /** Sync states (delta/skip tokens) kept per mailbox; older ones are evicted (410). */
  deltaTokenCacheSize: number;
  /** Sync states older than this are evicted too; null: no age limit (Outlook has no fixed TTL). */
  deltaTokenMaxAgeMinutes: number | null;
  /** How an evicted token is answered: 410 SyncStateNotFound, or 410 with a Location to start over. */
  deltaExpiredResponse: "syncStateNotFound" | "reset";
  /** After the token behind a subscription expires without reauthorization, notifications go on
   * for this long, then pause (only subscriptions with a lifecycleNotificationUrl). */
  reauthorizationGraceMinutes: number;
}

export const LEGACY_SUBSCRIPTION_MINUTES = 4230;

export function defaultSettings(): MailSettings {
  return {
    sentItemsDelaySeconds: 2,
    deliveryDelaySeconds: 3,
    notificationDelaySeconds: 1,
    timeScale: 1,
    notificationTimeoutMs: 3000,
    validationTimeoutMs: 10_000,
    subscriptionMaxMinutes: 10_080,
    subscriptionsPerMailbox: 1000,
    deltaUpdates: "partial",
    deltaTokenCacheSize: 200,
    deltaTokenMaxAgeMinutes: null,
    deltaExpiredResponse: "syncStateNotFound",
    reauthorizationGraceMinutes: 60,
  };
}
