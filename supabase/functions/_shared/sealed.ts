// Tokens and secrets at rest: compact JWE, `dir` + A256GCM, with the key id and a binding to the
// row and column it belongs to in the protected header. The header is the cipher's additional
// authenticated data, so a ciphertext copied to another row or column cannot be opened there.
// Keys rotate: seal with the first configured key, open with whichever key id the JWE names.
import * as jose from "jose";

export interface SealingKey {
  kid: string;
  key: Uint8Array;
}

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealError";
  }
}

/** Parse `kid:base64url-key,kid:base64url-key` (first = current); each key is 256 bits. */
export function parseSealingKeys(text: string): SealingKey[] {
  const keys = text.split(",").map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const [kid, encoded, ...rest] = entry.split(":");
    if (!kid || !encoded || rest.length) throw new SealError("each key must be written kid:base64url-key");
    let key: Uint8Array;
    try {
      key = jose.base64url.decode(encoded);
    } catch {
      throw new SealError(`key ${kid} is not base64url`);
    }
    if (key.length !== 32) throw new SealError(`key ${kid} must be 32 bytes (256 bits), not ${key.length}`);
    return { kid, key };
  });
  if (keys.length === 0) throw new SealError("no sealing key configured");
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new SealError("key ids must be unique");
  return keys;
}

/** Encrypt `plaintext` for one place: `binding` names it, e.g. `oauth_tokens:<id>:refresh_token`. */
export async function seal(plaintext: string, binding: string, keys: SealingKey[]): Promise<string> {
  const [current] = keys;
  return await new jose.CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: current.kid, bind: binding })
    .encrypt(current.key);
}

/** Decrypt a JWE sealed for `binding`. Refuses one sealed for another place or by an unknown key. */
export async function unseal(jwe: string, binding: string, keys: SealingKey[]): Promise<string> {
  let header: jose.CompactJWEHeaderParameters;
  try {
    header = jose.decodeProtectedHeader(jwe) as jose.CompactJWEHeaderParameters;
  } catch {
    throw new SealError("not a JWE");
  }
  if (header.alg !== "dir" || header.enc !== "A256GCM") throw new SealError("unexpected JWE algorithm");
  const key = keys.find((k) => k.kid === header.kid);
  if (!key) throw new SealError(`sealed with key "${header.kid}", which is not configured`);
  if (header.bind !== binding) throw new SealError("sealed for a different row or column");
  try {
    const { plaintext } = await jose.compactDecrypt(jwe, key.key);
    return new TextDecoder().decode(plaintext);
  } catch {
    throw new SealError("the JWE does not decrypt (tampered, or the key changed)");
  }
}

/** True when a JWE was sealed with an older key and should be sealed again. */
export function sealedWithOldKey(jwe: string, keys: SealingKey[]): boolean {
  return jose.decodeProtectedHeader(jwe).kid !== keys[0].kid;
}
