// Microsoft Secure Score control profiles the emulator serves (control-profiles.json: real control
// ids, titles and service names; score weights close to what tenants show). `licence` says which
// tenants a control applies to (its service plan), `measure` how world/secure-score.ts scores it.
import data from "./control-profiles.json" with { type: "json" };

export type ControlLicence =
  | "free"
  | "p1"
  | "p2"
  | "exchange"
  | "defenderForOffice"
  | "sharepoint"
  | "purview";

export type ControlMeasure =
  | "adminMfa"
  | "mfaRegistration"
  | "blockLegacyAuth"
  | "sspr"
  | "oneAdmin"
  | "signInRisk"
  | "userRisk"
  | "phishResistantAdmins"
  | "cloudOnlyAdmins"
  | "config";

export interface ControlProfile {
  id: string;
  title: string;
  /** controlScores[].description */
  description: string;
  controlCategory: "Identity" | "Data" | "Device" | "Apps";
  service: string;
  maxScore: number;
  rank: number;
  tier: "Core" | "Defense in Depth" | "Advanced";
  actionType: "Config" | "Review" | "Behavior";
  threats: string[];
  userImpact: "Low" | "Moderate" | "High" | "Unknown";
  implementationCost: "Low" | "Moderate" | "High" | "Unknown";
  actionUrl: string;
  remediation: string;
  remediationImpact: string;
  deprecated: boolean;
  licence: ControlLicence;
  measure: ControlMeasure;
}

export const CONTROL_PROFILES: readonly ControlProfile[] = data as ControlProfile[];
