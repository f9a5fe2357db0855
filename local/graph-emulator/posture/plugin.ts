// The tenant posture feature area: licences, authentication methods and MFA state, groups and
// roles, conditional access and security defaults, Secure Score, Intune, sign-ins and risk, and
// the usage reports with their pre-authenticated downloads (see README.md, "Tenant posture").
import type { EmulatorPlugin } from "../plugin.ts";
import { betaRoutes } from "./beta.ts";
import { postureControl } from "./control.ts";
import {
  getUserRegistrationDetails,
  listAuthenticationMethods,
  listUserRegistrationDetails,
} from "./endpoints/authentication.ts";
import {
  getGroup,
  listGroupMembers,
  listGroups,
  listGroupTransitiveMembers,
  listMemberOf,
  listTransitiveMemberOf,
} from "./endpoints/groups.ts";
import {
  getCompliancePolicy,
  getDeviceStateSummary,
  getManagedDevice,
  listCompliancePolicies,
  listDeviceStatuses,
  listManagedDevices,
} from "./endpoints/intune.ts";
import { getSubscribedSku, listCompanySubscriptions, listSubscribedSkus } from "./endpoints/licenses.ts";
import {
  getConditionalAccessPolicy,
  getSecurityDefaults,
  listConditionalAccessPolicies,
} from "./endpoints/policies.ts";
import { getReportSettings, updateReportSettings, usageReports } from "./endpoints/reports.ts";
import { getRoleDefinition, listRoleAssignments, listRoleDefinitions } from "./endpoints/roles.ts";
import {
  getControlProfile,
  getSecureScore,
  listControlProfiles,
  listSecureScores,
} from "./endpoints/secure-score.ts";
import { getRiskyUser, listRiskyUsers, listSignIns } from "./endpoints/sign-ins.ts";
import { generatePosture } from "./generate.ts";
import { downloadRoutes } from "./reports/downloads.ts";

export const posturePlugin: EmulatorPlugin = {
  name: "posture",
  generate: generatePosture,
  endpoints: [
    listSubscribedSkus,
    getSubscribedSku,
    listCompanySubscriptions,
    listAuthenticationMethods,
    listUserRegistrationDetails,
    getUserRegistrationDetails,
    listConditionalAccessPolicies,
    getConditionalAccessPolicy,
    getSecurityDefaults,
    listGroups,
    getGroup,
    listGroupMembers,
    listGroupTransitiveMembers,
    listMemberOf,
    listTransitiveMemberOf,
    listRoleDefinitions,
    getRoleDefinition,
    listRoleAssignments,
    listSecureScores,
    getSecureScore,
    listControlProfiles,
    getControlProfile,
    listManagedDevices,
    getManagedDevice,
    listCompliancePolicies,
    getCompliancePolicy,
    listDeviceStatuses,
    getDeviceStateSummary,
    listSignIns,
    listRiskyUsers,
    getRiskyUser,
    ...usageReports,
    getReportSettings,
    updateReportSettings,
  ],
  control: postureControl,
  routes(app, rt) {
    downloadRoutes(app, rt);
    betaRoutes(app, rt);
  },
};
