// The official @microsoft/microsoft-graph-client, unmodified, pointed at an in-process emulator:
// its default middleware chain, or a chain a test assembles from the SDK's own handlers.
import { Client, type Middleware } from "@microsoft/microsoft-graph-client";
import type { Harness } from "./harness.ts";

const settings = (h: Harness) => ({
  baseUrl: h.origin,
  // The SDK sends the bearer token only to Graph hosts or these; it compares host names.
  customHosts: new Set(["localhost"]),
  // Tests trust the local CA per client; processes started by ./dev get DENO_CERT instead.
  fetchOptions: { client: h.client } as RequestInit,
});

export function sdkClient(h: Harness, token: string): Client {
  return Client.initWithMiddleware({
    ...settings(h),
    authProvider: { getAccessToken: () => Promise.resolve(token) },
  });
}

export function sdkClientWith(h: Harness, middleware: Middleware[]): Client {
  return Client.initWithMiddleware({ ...settings(h), middleware });
}
