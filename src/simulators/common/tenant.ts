import { SeededRandom, deriveSeed } from './random';

/**
 * The Microsoft 365 tenants both simulated upstreams protect. The directory (people, sites,
 * groups, teams) is the real world both vendors look at, so it is fixed: it does not depend on
 * either simulator's `seed`, and the same person has the same Microsoft ids in Graph protection
 * units and in Veeam protected users (`msid`). That is what lets a client find one mailbox by
 * e-mail, or one site by URL, in both vendors.
 */

/** Seed of the directory itself (the tenants), independent of the simulators' seeds. */
export const DIRECTORY_SEED = 0x5eed_d1e;

/** The Contoso tenant: the one the Graph simulator serves and Veeam's `contoso.onmicrosoft.com` organisation. */
export const CONTOSO_TENANT_ID = '6babcaad-604b-40ac-a9d7-9fd97c0b779f';

export interface DirectoryPerson {
  /** Microsoft Entra object id (Graph `directoryObjectId`, Veeam `msid`). */
  directoryObjectId: string;
  displayName: string;
  email: string;
  accountType: 'User' | 'SharedMailbox';
  /** OneDrive URL; shared mailboxes have none. */
  oneDriveUrl: string | null;
  hasArchive: boolean;
}

export interface DirectorySite {
  /** Microsoft site id (Graph `siteId`, Veeam `msid`). */
  siteId: string;
  name: string;
  url: string;
}

export interface DirectoryGroup {
  /** Microsoft group object id. */
  groupId: string;
  displayName: string;
  mail: string;
  siteUrl: string;
}

export interface DirectoryTeam {
  /** Microsoft team (group) id: a GUID, as Veeam's `RESTProtectedTeam.msid` requires. */
  teamId: string;
  displayName: string;
  description: string;
  mail: string;
}

export interface TenantDirectory {
  /** Veeam organisation name this directory belongs to, e.g. `contoso.onmicrosoft.com`. */
  organizationName: string;
  tenantId: string;
  domain: string;
  sharePointHost: string;
  people: DirectoryPerson[];
  sites: DirectorySite[];
  groups: DirectoryGroup[];
  teams: DirectoryTeam[];
}

// The first names are Microsoft's own demo-tenant people, so the Contoso data reads familiar.
const FIRST = [
  'Adele',
  'Megan',
  'Alex',
  'Lee',
  'Nestor',
  'Isaiah',
  'Pradeep',
  'Johanna',
  'Diego',
  'Patti',
  'Lynne',
  'Miriam',
  'Grady',
  'Henrietta',
  'Irvin',
  'Joni',
  'Lidia',
  'Christie',
  'Enrico',
  'Allan',
  'Zoë',
  'Debra',
  'Emily',
  'Ben',
  'Nora',
];
const LAST = [
  'Vance',
  'Bowen',
  'Wilber',
  'Gu',
  'Wilke',
  'Langer',
  'Gupta',
  'Lorenz',
  'Siciliani',
  'Fernandez',
  'Robbins',
  'Graham',
  'Archie',
  'Mueller',
  'Sayers',
  'Sherman',
  'Holloway',
  'Cline',
  'Cattaneo',
  'Deyoung',
  'Durand',
  'Berger',
  'Braun',
  'Walters',
  'Okafor',
];
const SITE_NAMES = [
  'Finance',
  'HR',
  'Marketing',
  'Sales',
  'Legal',
  'Engineering',
  'IT',
  'Operations',
  'Mark8ProjectTeam',
  'Retail',
  'ContosoWorks',
  'DigitalInitiative',
  'Leadership',
  'Communications',
  'Design',
  'Support',
  'Research',
  'Procurement',
  'Facilities',
  'Events',
];
const GROUP_NAMES = [
  'All Company',
  'Finance Team',
  'Sales and Marketing',
  'Engineering Leads',
  'HR Business Partners',
  'Project Falcon',
  'Retail Stores',
  'Design Review',
];
const TEAM_NAMES = [
  'Mark 8 Project Team',
  'Sales Team',
  'Digital Initiative Public Relations',
  'Finance Close',
  'IT Help Desk',
  'Product Launch',
  'Store Managers',
  'Research Lab',
];
const SHARED = ['info', 'support', 'invoices'];

/** ASCII mail-local part: `Zoë Durand` → `zoe.durand`. */
function localPart(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, '')
    .trim()
    .replace(/\s+/g, '.');
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export interface DirectorySpec {
  organizationName: string;
  domain: string;
  sharePointHost: string;
  tenantId?: string;
  people: number;
  sites: number;
  groups: number;
  teams: number;
  /** Shift into the name lists so different tenants have different people. */
  nameOffset: number;
}

/** Builds one tenant's directory, the same every time for the same spec. */
export function buildDirectory(spec: DirectorySpec): TenantDirectory {
  const rng = new SeededRandom(deriveSeed(DIRECTORY_SEED, `directory:${spec.organizationName}`));
  const people: DirectoryPerson[] = [];
  const seen = new Set<string>();
  const userCount = Math.max(0, spec.people - (spec.people >= 20 ? SHARED.length : 0));
  for (let i = 0; people.length < userCount; i++) {
    // Walk the name grid diagonally: first the demo-tenant pairs (Adele Vance, Megan Bowen, ...), then mixed pairs.
    const round = Math.floor(i / FIRST.length);
    const first = FIRST[(i + spec.nameOffset) % FIRST.length];
    const last = LAST[(i + spec.nameOffset + round * 7) % LAST.length];
    const displayName = `${first} ${last}`;
    const local = localPart(displayName);
    if (seen.has(local)) continue;
    seen.add(local);
    people.push({
      directoryObjectId: rng.guid(),
      displayName,
      email: `${local}@${spec.domain}`,
      accountType: 'User',
      oneDriveUrl: `https://${spec.sharePointHost.replace('.sharepoint.com', '-my.sharepoint.com')}/personal/${local.replace(/\./g, '_')}_${spec.domain.replace(/\./g, '_')}`,
      hasArchive: i % 7 === 3,
    });
  }
  if (spec.people >= 20) {
    for (const shared of SHARED) {
      people.push({
        directoryObjectId: rng.guid(),
        displayName: `${capitalise(spec.organizationName.split('.')[0])} ${capitalise(shared)}`,
        email: `${shared}@${spec.domain}`,
        accountType: 'SharedMailbox',
        oneDriveUrl: null,
        hasArchive: false,
      });
    }
  }
  const sites = SITE_NAMES.slice(0, spec.sites).map((name) => ({ siteId: rng.guid(), name, url: `https://${spec.sharePointHost}/sites/${name}` }));
  const groups = GROUP_NAMES.slice(0, spec.groups).map((displayName) => {
    const alias = displayName.replace(/[^A-Za-z0-9]/g, '');
    return { groupId: rng.guid(), displayName, mail: `${alias}@${spec.domain}`, siteUrl: `https://${spec.sharePointHost}/sites/${alias}` };
  });
  const teams = TEAM_NAMES.slice(0, spec.teams).map((displayName) => ({
    teamId: rng.guid(),
    displayName,
    description: `${displayName} collaboration space`,
    mail: `${displayName.replace(/[^A-Za-z0-9]/g, '')}@${spec.domain}`,
  }));
  return {
    organizationName: spec.organizationName,
    tenantId: spec.tenantId ?? rng.guid(),
    domain: spec.domain,
    sharePointHost: spec.sharePointHost,
    people,
    sites,
    groups,
    teams,
  };
}

/** Contoso: 57 users + 3 shared mailboxes, 20 sites, 8 groups, 8 teams. */
export const CONTOSO_DIRECTORY: TenantDirectory = buildDirectory({
  organizationName: 'contoso.onmicrosoft.com',
  domain: 'contoso.com',
  sharePointHost: 'contoso.sharepoint.com',
  tenantId: CONTOSO_TENANT_ID,
  people: 60,
  sites: 20,
  groups: 8,
  teams: 8,
  nameOffset: 0,
});

/** The directories of the other organisations Veeam protects (by Veeam organisation name). */
export const OTHER_DIRECTORIES: Record<string, TenantDirectory> = Object.fromEntries(
  [
    {
      organizationName: 'fabrikam.onmicrosoft.com',
      domain: 'fabrikam.com',
      sharePointHost: 'fabrikam.sharepoint.com',
      people: 24,
      sites: 6,
      groups: 3,
      teams: 3,
      nameOffset: 5,
    },
    {
      organizationName: 'northwind.local',
      domain: 'northwind.local',
      sharePointHost: 'sharepoint.northwind.local',
      people: 14,
      sites: 0,
      groups: 0,
      teams: 0,
      nameOffset: 11,
    },
    {
      organizationName: 'adatum.com',
      domain: 'adatum.com',
      sharePointHost: 'adatum.sharepoint.com',
      people: 20,
      sites: 5,
      groups: 2,
      teams: 0,
      nameOffset: 17,
    },
    {
      organizationName: 'wingtip-müller.onmicrosoft.com',
      domain: 'wingtip-mueller.com',
      sharePointHost: 'wingtipmueller.sharepoint.com',
      people: 12,
      sites: 4,
      groups: 2,
      teams: 2,
      nameOffset: 21,
    },
  ].map((spec) => [spec.organizationName, buildDirectory(spec)]),
);

/** The directory for a Veeam organisation name, if the simulated world has one. */
export function directoryFor(organizationName: string): TenantDirectory | undefined {
  return organizationName === CONTOSO_DIRECTORY.organizationName ? CONTOSO_DIRECTORY : OTHER_DIRECTORIES[organizationName];
}

/** A mailbox (and OneDrive) protected by both vendors. */
export const WELL_KNOWN_MAILBOX_EMAIL = 'adele.vance@contoso.com';
/** A SharePoint site protected by both vendors. */
export const WELL_KNOWN_SITE_URL = 'https://contoso.sharepoint.com/sites/Finance';

const adele = CONTOSO_DIRECTORY.people.find((p) => p.email === WELL_KNOWN_MAILBOX_EMAIL);
const finance = CONTOSO_DIRECTORY.sites.find((s) => s.url === WELL_KNOWN_SITE_URL);
if (!adele || !finance) throw new Error('the Contoso directory lost its well-known mailbox or site');

/** Microsoft ids of the well-known objects (the same in both simulators). */
export const WELL_KNOWN_DIRECTORY = {
  tenantId: CONTOSO_TENANT_ID,
  mailboxEmail: WELL_KNOWN_MAILBOX_EMAIL,
  mailboxDisplayName: adele.displayName,
  mailboxDirectoryObjectId: adele.directoryObjectId,
  oneDriveUrl: adele.oneDriveUrl as string,
  siteUrl: WELL_KNOWN_SITE_URL,
  siteName: finance.name,
  siteId: finance.siteId,
} as const;
