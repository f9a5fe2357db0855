// Which authentication methods people registered. The tenant-wide registration report needs Entra
// ID P1; without it (an answer, not an error) each person's methods are read instead, in batches,
// and named the way the report names them.
import { licensed, required } from "./failures.ts";
import type { GraphReads } from "./graph-reads.ts";
import { type GraphUser, methodsOf, read, REGISTRATION } from "./sources.ts";

export interface Registered {
  mfa: boolean;
  methods: string[];
}

export interface Registrations {
  source: "report" | "methods";
  byUser: Map<string, Registered>;
}

export const REGISTRATION_UNLICENSED =
  "the MFA registration report needs Entra ID P1; registered methods were read from each user's authentication methods";

// methodsRegistered names for each method type, and whether it is a second factor (email and a
// temporary access pass are not).
const METHODS: Record<string, { name: string; mfa: boolean }> = {
  microsoftAuthenticator: { name: "microsoftAuthenticatorPush", mfa: true },
  phone: { name: "mobilePhone", mfa: true },
  fido2: { name: "passKeyDeviceBound", mfa: true },
  softwareOath: { name: "softwareOneTimePasscode", mfa: true },
  windowsHelloForBusiness: { name: "windowsHelloForBusiness", mfa: true },
  email: { name: "email", mfa: false },
  temporaryAccessPass: { name: "temporaryAccessPass", mfa: false },
};

/** A user's methods (Graph's authenticationMethod types) as the registration report states them. */
export function registeredFromMethods(types: string[]): Registered {
  const known = types
    .map((t) => METHODS[t.replace(/^#microsoft\.graph\./, "").replace(/AuthenticationMethod$/, "")])
    .filter((m) => m !== undefined);
  return { mfa: known.some((m) => m.mfa), methods: [...new Set(known.map((m) => m.name))] };
}

/**
 * Start reading the registration report now (it does not depend on the user list), so that it
 * shares the first round with the other independent reads.
 */
export function prefetchRegistrations(reads: GraphReads): void {
  read(reads, REGISTRATION);
}

export async function registrations(reads: GraphReads, people: GraphUser[]): Promise<Registrations> {
  const report = licensed(await read(reads, REGISTRATION));
  if (report) {
    const byUser = new Map(
      report.map((r) => [r.id, { mfa: r.isMfaRegistered, methods: r.methodsRegistered }]),
    );
    return { source: "report", byUser };
  }
  const each = await Promise.all(people.map(async (u) => {
    const methods = required(await read(reads, methodsOf(u.id)));
    return [u.id, registeredFromMethods(methods.map((m) => m["@odata.type"]))] as const;
  }));
  return { source: "methods", byUser: new Map(each) };
}
