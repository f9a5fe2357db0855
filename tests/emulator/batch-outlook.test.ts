// Pitfall 12, Outlook side (notes §6): Graph hands a batch's Outlook items to Outlook four at a time,
// so a parallel batch stays within a mailbox's four connections only while nothing else of the app
// uses that mailbox. Beside another worker, items of a parallel batch fail alone with 429
// ApplicationThrottled and their own Retry-After; the same items as a dependsOn chain use one
// connection per batch, and four such batches fit at once. The hold fault makes every overlap
// certain; nothing here depends on timing.
import assert from "node:assert/strict";
import { batch, chained, get, statuses } from "./batch-support.ts";
import type { Harness } from "./harness.ts";
import { appToken, getJson, withMail } from "./mail-harness.ts";
import { countedWithStatus, heldAtLeast, heldCount, releaseUntilSettled, waitFor } from "./progress.ts";

const MAILBOX = "support@contoso.com";
const HOLD = { path: "/users/*/messages/*", method: "GET", hold: true };

/** Five GETs of different messages in one mailbox. */
async function messageItems(h: Harness, token: string) {
  const list = await getJson<{ value: { id: string }[] }>(
    h,
    `/users/${MAILBOX}/mailFolders/inbox/messages?$top=5&$select=id`,
    token,
  );
  assert.equal(list.body.value.length, 5);
  return list.body.value.map((m, i) => get(`m${i}`, `/users/${MAILBOX}/messages/${m.id}?$select=subject`));
}

Deno.test(
  "pitfall 12: beside another worker on the mailbox, a parallel batch of five Outlook items gets per-item 429 ApplicationThrottled with Retry-After; retrying only those succeeds",
  withMail(async (h) => {
    const token = await appToken(h);
    const items = await messageItems(h, token);
    await h.control("faults", HOLD);
    // Another worker of the same app, well behaved: a chain, holding one of the four connections.
    const worker = batch(h, token, chained(items));
    await heldAtLeast(h, 1);
    const parallel = batch(h, token, items);
    // Four items go to Outlook at once: three take the free connections and park, one is refused;
    // the fifth goes as soon as the refused one is back, and is refused too.
    await heldAtLeast(h, 4);
    await waitFor(async () => (await countedWithStatus(h, 429)) >= 2);
    await releaseUntilSettled(h, worker, parallel);

    const result = await parallel;
    assert.equal(result.status, 200, "the batch itself succeeds");
    assert.deepEqual(statuses(result), [200, 200, 200, 429, 429]);
    const failed = [...result.byId.values()].filter((r) => r.status === 429);
    for (const item of failed) {
      assert.deepEqual((item.body as { error: unknown }).error, {
        code: "ApplicationThrottled",
        message: "Application is over its MailboxConcurrency limit.",
      });
      assert.match(
        item.headers["Retry-After"],
        /^\d+\.\d+$/,
        "fractional seconds, in the item's own headers",
      );
    }
    assert.deepEqual(statuses(await worker), [200, 200, 200, 200, 200]);

    // Retry only what failed (SDKs do not retry batch items); the mailbox is free again.
    await h.control("faults", undefined, "DELETE");
    const again = await batch(h, token, items.filter((i) => failed.some((f) => f.id === i.id)));
    assert.deepEqual(statuses(again), [200, 200]);
    assert.equal(await countedWithStatus(h, 429), 2);
  }),
);

Deno.test(
  "pitfall 12: the same five items as dependsOn chains use one connection per batch; four such batches at once all succeed",
  withMail(async (h) => {
    const token = await appToken(h);
    const items = await messageItems(h, token);
    await h.control("faults", HOLD);
    const batches = Array.from({ length: 4 }, () => batch(h, token, chained(items)));
    for (let step = 0; step < items.length; step++) {
      // One item of every batch is in flight: the mailbox's four connections, and no more.
      await heldAtLeast(h, 4);
      assert.equal(await heldCount(h), 4);
      await h.control("faults/release", {});
    }
    for (const result of await Promise.all(batches)) {
      assert.deepEqual(statuses(result), [200, 200, 200, 200, 200]);
    }
    assert.equal(await countedWithStatus(h, 429), 0);
  }),
);
