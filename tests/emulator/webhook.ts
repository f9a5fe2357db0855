// A local webhook for subscriptions: answers validation requests (echoing the token, or not, on
// request) and records notification POSTs. A test can hold any answer until it says so, which is
// how a slow endpoint is made without sleeping: hold until the emulator's client has given up.
import { waitFor } from "./progress.ts";

export interface WebhookBehaviour {
  /** What the validation answer echoes (default: the decoded token, as Graph requires). */
  echo?: (token: string) => string;
  /** Status for notification POSTs (default 202). */
  status?: number;
  /** Called before answering the nth request (1-based) of its kind; the answer waits for it. */
  hold?: (kind: "validation" | "notification", n: number) => Promise<void> | void;
}

export interface Webhook {
  url: string;
  /** Bodies of notification POSTs, in arrival order (held ones included). */
  received: { value: Record<string, unknown>[] }[];
  /** Validation tokens received. */
  validations: string[];
  /** Resolves once `pred` holds; throws if it never does (see waitFor). */
  until(pred: () => boolean): Promise<void>;
  close(): Promise<void>;
}

export function webhook(behaviour: WebhookBehaviour = {}): Webhook {
  const received: Webhook["received"] = [];
  const validations: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const token = new URL(req.url).searchParams.get("validationToken");
    if (token !== null) {
      validations.push(token);
      await behaviour.hold?.("validation", validations.length);
      return new Response(behaviour.echo ? behaviour.echo(token) : token, {
        headers: { "Content-Type": "text/plain" },
      });
    }
    received.push(await req.json());
    await behaviour.hold?.("notification", received.length);
    return new Response(null, { status: behaviour.status ?? 202 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/notify?tenant=x`,
    received,
    validations,
    until: (pred: () => boolean) => waitFor(() => Promise.resolve(pred())).then(() => {}),
    close: () => server.shutdown(),
  };
}

/** A promise with its resolve function, for `hold`. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => open = r);
  return { opened, open };
}
