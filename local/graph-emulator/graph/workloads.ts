// How each Graph workload words its 403s and 404s, and whether it needs a mailbox. Endpoints name
// their workload; posture endpoints can add their own (Intune and reports word errors differently).
import {
  directoryAccessDenied,
  exchangeAccessDenied,
  GraphError,
  invalidUser,
  userNotFound,
} from "./errors.ts";

export interface Workload {
  name: string;
  forbidden(): GraphError;
  userNotFound(idOrUpn: string): GraphError;
  /** Exchange endpoints answer 404 MailboxNotEnabledForRESTAPI for users without a mailbox. */
  needsMailbox: boolean;
}

export const DIRECTORY: Workload = {
  name: "directory",
  forbidden: directoryAccessDenied,
  userNotFound,
  needsMailbox: false,
};

export const EXCHANGE: Workload = {
  name: "exchange",
  forbidden: exchangeAccessDenied,
  userNotFound: invalidUser,
  needsMailbox: true,
};

/** Conditional access and other Entra policies. */
export const POLICIES: Workload = {
  name: "policies",
  forbidden: () =>
    new GraphError(
      403,
      "AccessDenied",
      "You cannot perform the requested operation, required scopes are missing in the token.",
    ),
  userNotFound,
  needsMailbox: false,
};

/** Identity Protection (risky users): the policies wording with code Forbidden. */
export const IDENTITY_PROTECTION: Workload = {
  name: "identityProtection",
  forbidden: () =>
    new GraphError(
      403,
      "Forbidden",
      "You cannot perform the requested operation, required scopes are missing in the token.",
    ),
  userNotFound,
  needsMailbox: false,
};

/** Sign-in logs and authentication-methods reports name the permission they miss. */
export const AUDIT_LOGS: Workload = {
  name: "auditLogs",
  forbidden: () =>
    new GraphError(
      403,
      "Authentication_MSGraphPermissionMissing",
      "Calling principal does not have required MSGraph permissions AuditLog.Read.All",
    ),
  userNotFound,
  needsMailbox: false,
};

/** A user's authentication methods and per-user MFA state. */
export const AUTHENTICATION_METHODS: Workload = {
  name: "authenticationMethods",
  forbidden: () => new GraphError(403, "accessDenied", "Request Authorization failed"),
  userNotFound,
  needsMailbox: false,
};

/** Microsoft 365 usage reports and report settings: the reports service's refusal, wrapped. */
export const REPORTS: Workload = {
  name: "reports",
  forbidden: () =>
    new GraphError(
      403,
      "UnknownError",
      JSON.stringify({ error: { code: "S2SUnauthorized", message: "Invalid permission." } }),
    ),
  userNotFound,
  needsMailbox: false,
};

/** The legacy Microsoft Graph security API (Secure Score). */
export const SECURITY: Workload = {
  name: "security",
  forbidden: () =>
    new GraphError(
      403,
      "Forbidden",
      "Auth token does not contain valid permissions or user does not have valid roles.",
    ),
  userNotFound,
  needsMailbox: false,
};

/** Intune puts its own JSON error, CRLF-indented, into the Graph error's message. */
export function intuneError(status: number, code: string, message: string): GraphError {
  const body = {
    _version: 3,
    Message:
      `${message} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${crypto.randomUUID()} - Url: https://fef.msua06.manage.microsoft.com/DeviceFE/StatelessDeviceFEService/deviceManagement?api-version=5025-09-01`,
    CustomApiErrorPhrase: "",
    RetryAfter: null,
    ErrorSourceService: "",
    HttpHeaders: "{}",
  };
  return new GraphError(status, code, JSON.stringify(body, null, 2).replaceAll("\n", "\r\n"));
}

const intune = (name: string, scopes: string[]): Workload => ({
  name,
  forbidden: () =>
    intuneError(
      403,
      "Forbidden",
      `Application is not authorized to perform this operation. Application must have one of the following scopes: ${
        scopes.join(", ")
      }`,
    ),
  userNotFound,
  needsMailbox: false,
});

export const INTUNE_MANAGED_DEVICES: Workload = intune("intuneDevices", [
  "DeviceManagementManagedDevices.Read.All",
  "DeviceManagementManagedDevices.ReadWrite.All",
]);

export const INTUNE_DEVICE_CONFIGURATION: Workload = intune("intuneConfiguration", [
  "DeviceManagementConfiguration.Read.All",
  "DeviceManagementConfiguration.ReadWrite.All",
]);
