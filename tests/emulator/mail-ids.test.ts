// Pitfall 9, the other half (moves are in mail-delta.test.ts): message ids are case-sensitive. The
// same id in another case is another item, here an unknown one; code that lower-cases ids, or keys
// them case-insensitively, loses messages.
import assert from "node:assert/strict";
import { appToken, getJson, IMMUTABLE, withMail } from "./mail-harness.ts";

const MAILBOX = "/users/support@contoso.com";

/** The id with the case of one letter flipped, in the item's own part (not the trailing padding). */
function otherCase(id: string): string {
  for (let i = id.length - 5; i >= 0; i--) {
    const c = id[i];
    const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
    if (flipped !== c) return id.slice(0, i) + flipped + id.slice(i + 1);
  }
  throw new Error(`no letter in ${id}`);
}

Deno.test(
  "pitfall 9: message ids are case-sensitive, REST and immutable alike",
  withMail(async (h) => {
    const token = await appToken(h);
    for (const headers of [{}, IMMUTABLE]) {
      const list = await getJson<{ value: { id: string }[] }>(
        h,
        `${MAILBOX}/mailFolders/inbox/messages?$top=1&$select=subject`,
        token,
        headers,
      );
      const id = list.body.value[0].id;
      const same = await getJson<{ id: string }>(h, `${MAILBOX}/messages/${id}`, token, headers);
      assert.equal(same.body.id, id);
      const other = otherCase(id);
      assert.notEqual(other, id);
      assert.equal(other.toLowerCase(), id.toLowerCase());
      const r = await getJson<{ error: { code: string } }>(h, `${MAILBOX}/messages/${other}`, token, headers);
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, "ErrorItemNotFound");
    }
  }),
);
