// LOCAL ONLY. `keys.ts init <file>` makes the signing and sealing keys; `keys.ts env <file>`
// prints the key variables of .local/env (shell- and dotenv-readable), with the emulator's app.
import {
  createKeysFile,
  functionJwks,
  legacyRoleJwt,
  loadKeys,
  LOCAL_PUBLISHABLE_KEY,
  LOCAL_SECRET_KEY,
} from "./auth-keys.ts";
import { DEFAULT_APP } from "./graph-emulator/defaults.ts";

const [command, path] = Deno.args;
if (!path) throw new Error("usage: keys.ts init|env <keys.json>");

if (command === "init") {
  // Keep what exists (tokens were signed and sealed with it); add what a newer version needs.
  const existing = await Deno.readTextFile(path).then(JSON.parse).catch(() => ({}));
  const merged = { ...await createKeysFile(), ...existing };
  await Deno.writeTextFile(path, JSON.stringify(merged, null, 2), { mode: 0o600 });
} else if (command === "env") {
  const keys = await loadKeys(path);
  const vars: Record<string, string> = {
    SUPABASE_PUBLISHABLE_KEY: LOCAL_PUBLISHABLE_KEY,
    SUPABASE_SECRET_KEY: LOCAL_SECRET_KEY,
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: LOCAL_PUBLISHABLE_KEY }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: LOCAL_SECRET_KEY }),
    SUPABASE_ANON_KEY: await legacyRoleJwt(keys, "anon"),
    SUPABASE_SERVICE_ROLE_KEY: await legacyRoleJwt(keys, "service_role"),
    SUPABASE_JWKS: JSON.stringify(functionJwks(keys)),
    TOKEN_ENCRYPTION_KEYS: keys.sealingKeys,
    MESSAGE_ID_SECRET: keys.messageIdSecret,
    // The product's Entra app, as registered in the emulator.
    M365_CLIENT_ID: DEFAULT_APP.clientId,
    M365_CLIENT_SECRET: DEFAULT_APP.clientSecret,
  };
  for (const [name, value] of Object.entries(vars)) console.log(`${name}='${value}'`);
} else {
  throw new Error(`unknown command ${command}`);
}
