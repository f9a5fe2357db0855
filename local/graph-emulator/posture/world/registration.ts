// userRegistrationDetails, derived from a user's registered methods (pure): the names Microsoft
// reports in methodsRegistered, MFA/SSPR/passwordless capability and the preferred methods.
import { isoSeconds } from "../../core/time-format.ts";
import type { User } from "../../world/types.ts";
import type { AuthMethod, UserAuth } from "../state.ts";

const kindOf = (m: AuthMethod) =>
  m["@odata.type"].replace(/^#microsoft\.graph\./, "").replace(/AuthenticationMethod$/, "");

/** Methods that count as a second factor (email and a temporary access pass do not). */
export function isMfaMethod(m: AuthMethod): boolean {
  return ["microsoftAuthenticator", "phone", "fido2", "softwareOath", "windowsHelloForBusiness"].includes(
    kindOf(m),
  );
}

/** methodsRegistered names: phishable (mobilePhone, email, microsoftAuthenticatorPush,
 * softwareOneTimePasscode) and phish-resistant (passKeyDeviceBound, windowsHelloForBusiness). */
function registeredName(m: AuthMethod): string | null {
  switch (kindOf(m)) {
    case "microsoftAuthenticator":
      return "microsoftAuthenticatorPush";
    case "phone":
      return m.phoneType === "alternateMobile"
        ? "alternateMobilePhone"
        : m.phoneType === "office"
        ? "officePhone"
        : "mobilePhone";
    case "fido2":
      return "passKeyDeviceBound";
    case "softwareOath":
      return "softwareOneTimePasscode";
    case "email":
      return "email";
    case "windowsHelloForBusiness":
      return "windowsHelloForBusiness";
    case "temporaryAccessPass":
      return "temporaryAccessPass";
    default:
      return null;
  }
}

export function methodsRegistered(auth: UserAuth): string[] {
  return [...new Set(auth.methods.map(registeredName).filter((n): n is string => n !== null))];
}

export function isMfaRegistered(auth: UserAuth): boolean {
  return auth.methods.some(isMfaMethod);
}

export function registrationDetails(
  user: User,
  auth: UserAuth,
  ssprEnabled: boolean,
): Record<string, unknown> {
  const names = methodsRegistered(auth);
  const mfa = isMfaRegistered(auth);
  const sspr = names.some((n) =>
    [
      "mobilePhone",
      "alternateMobilePhone",
      "officePhone",
      "email",
      "microsoftAuthenticatorPush",
      "softwareOneTimePasscode",
    ]
      .includes(n)
  );
  const preferred = names.includes("microsoftAuthenticatorPush")
    ? "push"
    : names.includes("mobilePhone")
    ? "sms"
    : names.includes("softwareOneTimePasscode")
    ? "oath"
    : "none";
  return {
    id: user.id,
    userPrincipalName: user.graph.userPrincipalName,
    userDisplayName: user.graph.displayName,
    userType: user.kind === "guest" ? "guest" : "member",
    isAdmin: user.roles.length > 0,
    isSsprRegistered: sspr,
    isSsprEnabled: ssprEnabled && user.kind === "member",
    isSsprCapable: sspr && ssprEnabled && user.kind === "member",
    isMfaRegistered: mfa,
    isMfaCapable: mfa,
    isPasswordlessCapable: names.some((n) => ["passKeyDeviceBound", "windowsHelloForBusiness"].includes(n)),
    methodsRegistered: names,
    isSystemPreferredAuthenticationMethodEnabled: true,
    systemPreferredAuthenticationMethods: preferred === "none" ? [] : [preferred],
    userPreferredMethodForSecondaryAuthentication: preferred,
    lastUpdatedDateTime: isoSeconds(auth.updated),
  };
}
