// Authentication methods people registered and their legacy per-user MFA state. Method payloads use
// Graph's derived types and well-known ids (password, phone slots, email); userRegistrationDetails
// is derived from them (world/registration.ts), never stored separately.
import type { Random } from "../../core/random.ts";
import { isoSeconds } from "../../core/time-format.ts";
import type { Tenant, User } from "../../world/types.ts";
import type { MethodSet, TenantPosturePlan } from "../catalogue/tenant-plans.ts";
import type { AuthMethod, PerUserMfaState, UserAuth } from "../state.ts";
import { isMfaMethod } from "./registration.ts";
import { weighted } from "./weighted.ts";

const DAY = 86_400_000;

/** Graph's fixed method ids: the password and each phone slot have the same id for everyone. */
export const METHOD_IDS = {
  password: "28c10230-6103-485e-b985-444c60001490",
  mobile: "3179e48a-750b-4051-897c-87b9720928f7",
  email: "3ddfcfc8-9383-446f-83cc-3ab9be4be18f",
};

export type MethodKind =
  | "password"
  | "microsoftAuthenticator"
  | "phone"
  | "fido2"
  | "softwareOath"
  | "email"
  | "windowsHelloForBusiness"
  | "temporaryAccessPass";

export const METHOD_KINDS: readonly MethodKind[] = [
  "password",
  "microsoftAuthenticator",
  "phone",
  "fido2",
  "softwareOath",
  "email",
  "windowsHelloForBusiness",
  "temporaryAccessPass",
];

const SETS: Record<MethodSet, MethodKind[]> = {
  passwordOnly: [],
  authenticator: ["microsoftAuthenticator"],
  authenticatorPhone: ["microsoftAuthenticator", "phone"],
  phone: ["phone"],
  phoneEmail: ["phone", "email"],
  oath: ["softwareOath"],
  fido2: ["fido2", "microsoftAuthenticator"],
  hello: ["windowsHelloForBusiness", "microsoftAuthenticator"],
  emailOnly: ["email"],
  temporaryAccessPass: ["temporaryAccessPass"],
};

/** What a person's second factors look like; the device names tie Windows Hello to their PC. */
export interface MethodContext {
  user: User;
  tenant: Tenant;
  random: Random;
  /** A time after which the methods were registered. */
  after: number;
  epoch: number;
  windowsDeviceName: string | null;
}

export function buildAuthentication(
  tenant: Tenant,
  plan: TenantPosturePlan,
  random: Random,
  epoch: number,
  windowsDevices: Map<string, string>,
): Map<string, UserAuth> {
  const auth = new Map<string, UserAuth>();
  const breakGlass = tenant.users[0];
  for (const user of tenant.users) {
    const r = random.fork(user.id);
    const kinds: MethodKind[] = user.kind === "guest"
      // A guest's methods live in their home tenant.
      ? []
      : user.kind !== "member"
      ? ["password"]
      : user === breakGlass
      // The emergency-access account: cloud-only, two FIDO2 keys, excluded from every policy.
      ? ["password", "fido2", "fido2"]
      : ["password", ...SETS[weighted(r, user.roles.length ? plan.methods.admins : plan.methods.members)]];
    const ctx: MethodContext = {
      user,
      tenant,
      random: r,
      after: Date.parse(user.graph.createdDateTime),
      epoch,
      windowsDeviceName: windowsDevices.get(user.id) ?? null,
    };
    const methods = kinds.map((k) => methodPayload(k, ctx));
    const legacy = user.kind === "member" && user !== breakGlass &&
      r.chance(plan.perUserMfa.enforced + plan.perUserMfa.enabled);
    auth.set(user.id, {
      methods,
      perUserMfaState: legacy ? perUserState("enabled", methods) : "disabled",
      updated: Math.max(ctx.after, ...methods.map((m) => Date.parse(String(m.createdDateTime)))),
    });
    const password = methods.find((m) => m.id === METHOD_IDS.password);
    if (password) user.graph.lastPasswordChangeDateTime = password.createdDateTime;
  }
  return auth;
}

/** Setting per-user MFA to enabled flips it to enforced once the user has an MFA method. */
export function perUserState(wanted: PerUserMfaState, methods: readonly AuthMethod[]): PerUserMfaState {
  return wanted === "enabled" && methods.some(isMfaMethod) ? "enforced" : wanted;
}

export function methodPayload(kind: MethodKind, ctx: MethodContext): AuthMethod {
  const { random, user } = ctx;
  const created = isoSeconds(
    ctx.after + random.int(1, Math.max(1, Math.floor((ctx.epoch - ctx.after) / DAY))) * DAY,
  );
  const type = `#microsoft.graph.${kind}AuthenticationMethod`;
  switch (kind) {
    case "password":
      return { "@odata.type": type, id: METHOD_IDS.password, password: null, createdDateTime: created };
    case "microsoftAuthenticator": {
      const phone = random.pick(["iPhone 15", "iPhone 13", "Pixel 8", "Galaxy S23", "iPhone SE"]);
      return {
        "@odata.type": type,
        id: random.uuid(),
        displayName: phone,
        deviceTag: "SoftwareTokenActivated",
        phoneAppVersion: `6.${random.int(7, 8)}.${random.int(1, 30)}`,
        createdDateTime: created,
      };
    }
    case "phone":
      return {
        "@odata.type": type,
        id: METHOD_IDS.mobile,
        phoneNumber: user.graph.mobilePhone ??
          `${ctx.tenant.profile.phone.slice(0, -4)}${random.int(1000, 9999)}`,
        phoneType: "mobile",
        smsSignInState: "notAllowedByPolicy",
        createdDateTime: created,
      };
    case "fido2":
      return {
        "@odata.type": type,
        id: btoa(String.fromCharCode(...random.bytes(18))).replace(/\+/g, "-").replace(/\//g, "_"),
        displayName: random.pick(["YubiKey", "Backup key", "Security key"]),
        aaGuid: "cb69481e-8ff7-4039-93ec-0a2729a154a8",
        model: "YubiKey 5 Series",
        attestationCertificates: [],
        attestationLevel: "attested",
        passkeyType: "deviceBound",
        createdDateTime: created,
      };
    case "softwareOath":
      return { "@odata.type": type, id: random.uuid(), secretKey: null, createdDateTime: created };
    case "email":
      return {
        "@odata.type": type,
        id: METHOD_IDS.email,
        emailAddress: `${user.graph.mailNickname.toLowerCase()}.private@outlook.com`,
        createdDateTime: created,
      };
    case "windowsHelloForBusiness":
      return {
        "@odata.type": type,
        id: random.uuid(),
        displayName: ctx.windowsDeviceName ?? `DESKTOP-${random.int(100000, 999999)}`,
        keyStrength: "normal",
        createdDateTime: created,
      };
    case "temporaryAccessPass":
      return {
        "@odata.type": type,
        id: random.uuid(),
        temporaryAccessPass: null,
        startDateTime: created,
        lifetimeInMinutes: 60,
        isUsableOnce: true,
        isUsable: false,
        methodUsabilityReason: "Expired",
        createdDateTime: created,
      };
  }
}
