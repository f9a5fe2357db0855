// Sealing tokens and secrets at rest (_shared/sealed.ts).
import assert from "node:assert/strict";
import * as jose from "jose";
import {
  parseSealingKeys,
  seal,
  sealedWithOldKey,
  SealError,
  unseal,
} from "../supabase/functions/_shared/sealed.ts";

const newKey = () => jose.base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
const keys = parseSealingKeys(`k2:${newKey()},k1:${newKey()}`);
const token = "0.AXYZ-refresh-token-" + "x".repeat(3000); // Graph tokens run to several KB

Deno.test("a sealed token opens in its place and shows nothing of itself", async () => {
  const jwe = await seal(token, "oauth_tokens:c1:refresh_token", keys);
  assert.equal(jwe.split(".").length, 5, "compact JWE");
  assert.ok(!jwe.includes("AXYZ"));
  assert.equal(jose.decodeProtectedHeader(jwe).kid, "k2");
  assert.equal(await unseal(jwe, "oauth_tokens:c1:refresh_token", keys), token);
});

Deno.test("a ciphertext moved to another row or column does not open", async () => {
  const jwe = await seal(token, "oauth_tokens:c1:refresh_token", keys);
  await assert.rejects(unseal(jwe, "oauth_tokens:c2:refresh_token", keys), SealError);
  await assert.rejects(unseal(jwe, "oauth_tokens:c1:access_token", keys), SealError);
});

Deno.test("rewriting the header's binding breaks the authentication tag", async () => {
  const jwe = await seal(token, "row:1", keys);
  const [, ...rest] = jwe.split(".");
  const forgedHeader = jose.base64url.encode(
    JSON.stringify({ alg: "dir", enc: "A256GCM", kid: "k2", bind: "row:2" }),
  );
  await assert.rejects(unseal([forgedHeader, ...rest].join("."), "row:2", keys), /does not decrypt/);
});

Deno.test("keys rotate: old ciphertexts open, new ones use the first key", async () => {
  const before = parseSealingKeys(`k1:${newKey()}`);
  const after = [parseSealingKeys(`k9:${newKey()}`)[0], ...before];
  const old = await seal("secret", "row:1", before);
  assert.equal(await unseal(old, "row:1", after), "secret");
  assert.equal(sealedWithOldKey(old, after), true);
  assert.equal(sealedWithOldKey(await seal("secret", "row:1", after), after), false);
  await assert.rejects(unseal(old, "row:1", after.slice(0, 1)), /key "k1", which is not configured/);
});

Deno.test("tampered or foreign input is refused with a SealError", async () => {
  const jwe = await seal("secret", "row:1", keys);
  const parts = jwe.split(".");
  parts[3] = parts[3].slice(0, -2) + (parts[3].endsWith("AA") ? "BB" : "AA");
  await assert.rejects(unseal(parts.join("."), "row:1", keys), SealError);
  await assert.rejects(unseal("not-a-jwe", "row:1", keys), /not a JWE/);
});

Deno.test("key configuration errors say what is wrong", () => {
  assert.throws(() => parseSealingKeys(""), /no sealing key/);
  assert.throws(() => parseSealingKeys("k1"), /kid:base64url-key/);
  assert.throws(
    () => parseSealingKeys(`k1:${jose.base64url.encode(new Uint8Array(16))}`),
    /must be 32 bytes/,
  );
  assert.throws(() => parseSealingKeys(`k1:${newKey()},k1:${newKey()}`), /unique/);
});
