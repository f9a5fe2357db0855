// Generates a tenant's people: a global admin, a shared support mailbox, members with
// departments and roles, a few disabled and unlicensed accounts, guests and (larger tenants) a room.
import type { Random } from "../core/random.ts";
import { isoSeconds } from "../core/time-format.ts";
import { mailboxSettings } from "./mailbox-settings.ts";
import { DEPARTMENTS, GIVEN_NAMES, GUEST_DOMAINS, JOB_TITLES, OTHER_LOCALES, SURNAMES } from "./names.ts";
import { ROLE } from "./roles.ts";
import type { TenantProfile, User, UserKind, UserProperties } from "./types.ts";

const DAY = 86_400_000;

interface Person {
  kind: UserKind;
  nickname: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  enabled: boolean;
  licensed: boolean;
  roles: string[];
  department: string | null;
  jobTitle: string | null;
  locale: string;
}

export function generateUsers(random: Random, profile: TenantProfile, count: number, epoch: number): User[] {
  const people = [...fixedPeople(profile), ...generatedPeople(random.fork("people"), profile, count)];
  const taken = new Set<string>();
  return people.map((p) => toUser(random, profile, p, taken, epoch));
}

function fixedPeople(profile: TenantProfile): Person[] {
  const base = { department: null, jobTitle: null, locale: profile.locale };
  const people: Person[] = [
    {
      ...base,
      kind: "member",
      nickname: "admin",
      displayName: "MOD Administrator",
      givenName: "MOD",
      surname: "Administrator",
      enabled: true,
      licensed: true,
      roles: [ROLE.globalAdministrator],
      jobTitle: "IT Administrator",
      department: "IT",
    },
    {
      ...base,
      kind: "shared",
      nickname: "support",
      displayName: "Support",
      givenName: null,
      surname: null,
      enabled: false,
      licensed: false,
      roles: [],
    },
  ];
  if (profile.kind !== "small") {
    people.push({
      ...base,
      kind: "room",
      nickname: "confroomadams",
      displayName: "Conf Room Adams",
      givenName: null,
      surname: null,
      enabled: false,
      licensed: false,
      roles: [],
    });
  }
  return people;
}

function generatedPeople(random: Random, profile: TenantProfile, count: number): Person[] {
  const roles: string[] = [ROLE.userAdministrator, ROLE.helpdeskAdministrator, ROLE.globalReader];
  if (profile.kind === "enterprise") roles.push(ROLE.exchangeAdministrator, ROLE.securityAdministrator);
  if (profile.features.intune) roles.push(ROLE.intuneAdministrator);
  const people: Person[] = [];
  const members = count - fixedPeople(profile).length;
  for (let i = 0; i < members; i++) {
    const givenName = random.pick(GIVEN_NAMES);
    const surname = random.pick(SURNAMES);
    const department = random.pick(DEPARTMENTS);
    // Every tenant has at least one guest and one disabled account, whatever its size.
    const guest = i === 1 || (i > 4 && random.chance(0.06));
    const disabled = !guest && (i === 2 || (i > 4 && random.chance(0.05)));
    people.push({
      kind: guest ? "guest" : "member",
      nickname: `${givenName}${surname[0]}`,
      displayName: `${givenName} ${surname}`,
      givenName,
      surname,
      enabled: !disabled,
      // Leavers keep their licence for a while; a few members never had one.
      licensed: !guest && (i === 3 ? false : random.chance(0.96)),
      roles: !guest && !disabled && i >= 4 && i - 4 < roles.length ? [roles[i - 4]] : [],
      department: guest ? null : department,
      jobTitle: guest ? null : random.pick(JOB_TITLES[department]),
      locale: random.chance(0.85) ? profile.locale : random.pick(OTHER_LOCALES),
    });
  }
  return people;
}

function toUser(random: Random, profile: TenantProfile, p: Person, taken: Set<string>, epoch: number): User {
  const domain = p.nickname === "admin" ? profile.initialDomain : profile.customDomains[0];
  const nick = unique(asciiNickname(p.nickname), taken);
  const id = random.uuid();
  const created = epoch - random.int(30, 1500) * DAY - random.int(0, 86_399) * 1000;
  let upn = `${nick}@${domain}`;
  let mail: string | null = upn;
  let otherMails: string[] = [];
  if (p.kind === "guest") {
    const home = `${nick.toLowerCase()}@${random.pick(GUEST_DOMAINS)}`;
    upn = `${home.replace("@", "_")}#EXT#@${profile.initialDomain}`;
    mail = home;
    otherMails = [home];
  }
  const hasMailbox = p.kind === "shared" || p.kind === "room" || (p.kind === "member" && p.licensed);
  const graph: UserProperties = {
    id,
    accountEnabled: p.enabled,
    businessPhones: p.kind === "member" && random.chance(0.7) ? [phone(random, profile)] : [],
    city: p.kind === "member" ? profile.address.city : null,
    companyName: p.kind === "guest" ? null : profile.displayName,
    country: p.kind === "member" ? profile.address.country : null,
    createdDateTime: isoSeconds(created),
    creationType: p.kind === "guest" ? "Invitation" : null,
    department: p.department,
    displayName: p.displayName,
    employeeId: p.kind === "member" ? String(random.int(10000, 99999)) : null,
    externalUserState: p.kind === "guest" ? (random.chance(0.7) ? "Accepted" : "PendingAcceptance") : null,
    externalUserStateChangeDateTime: p.kind === "guest" ? isoSeconds(created + DAY) : null,
    givenName: p.givenName,
    jobTitle: p.jobTitle,
    mail: hasMailbox || p.kind === "guest" ? mail : null,
    mailNickname: p.kind === "guest" ? upn.split("#EXT#")[0] : nick,
    mobilePhone: p.kind === "member" && random.chance(0.5) ? phone(random, profile) : null,
    officeLocation: p.kind === "member" ? `${random.int(1, 40)}/${random.int(1000, 3999)}` : null,
    otherMails,
    preferredLanguage: p.kind === "guest" ? null : p.locale,
    proxyAddresses: hasMailbox ? [`SMTP:${upn}`, `smtp:${nick}@${profile.initialDomain}`] : [],
    showInAddressList: null,
    surname: p.surname,
    usageLocation: p.kind === "member" ? profile.address.countryLetterCode : null,
    userPrincipalName: upn,
    userType: p.kind === "guest" ? "Guest" : "Member",
    assignedLicenses: [],
  };
  const purpose = p.kind === "shared" ? "shared" : p.kind === "room" ? "room" : "user";
  return {
    id,
    kind: p.kind,
    graph,
    roles: p.roles,
    licensed: p.licensed,
    mailbox: hasMailbox ? { purpose, settings: mailboxSettings(random, p.locale, purpose, epoch) } : null,
    tokensValidFrom: created,
    lastSignIn: p.enabled && p.kind !== "shared" && p.kind !== "room"
      ? epoch - random.int(0, 60) * DAY - random.int(0, 86_399) * 1000
      : null,
  };
}

function asciiNickname(name: string): string {
  return name.normalize("NFD").replace(/[^A-Za-z0-9]/g, "");
}

function unique(nick: string, taken: Set<string>): string {
  let candidate = nick;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${nick}${n}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

function phone(random: Random, profile: TenantProfile): string {
  return `${profile.phone.slice(0, -4)}${String(random.int(0, 9999)).padStart(4, "0")}`;
}
