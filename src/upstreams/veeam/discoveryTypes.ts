/** Veeam VB365 discovery wire shapes (notes §12.2): v6/v7 and v8, every property optional. */

/** `RESTJob`: v8 adds `organizationId`, `lastBackup`, `eTag`. */
export interface VeeamJobDto {
  id?: string | null;
  name?: string | null;
  description?: string | null;
  organizationId?: string | null;
  lastRun?: string | null;
  nextRun?: string | null;
  lastBackup?: string | null;
  isEnabled?: boolean | null;
  lastStatus?: string | null;
}

/** `RESTRestorePoint`. */
export interface VeeamRestorePointDto {
  id?: string | null;
  backupTime?: string | null;
  jobId?: string | null;
  organizationId?: string | null;
  isExchange?: boolean | null;
  isSharePoint?: boolean | null;
  isOneDrive?: boolean | null;
  isTeams?: boolean | null;
}

/** v6/v7 per restore point: `/mailboxes` (`RESTRestorePointMailbox`). */
export interface VeeamPointMailboxDto {
  id?: string | null;
  displayName?: string | null;
  email?: string | null;
  isArchive?: boolean | null;
}

/** `/onedrives` (`RESTRestorePointOneDrive`). */
export interface VeeamPointOneDriveDto {
  id?: string | null;
  name?: string | null;
  url?: string | null;
}

/** `/webs` (`RESTRestorePointSite`): the id is `siteId`. */
export interface VeeamPointSiteDto {
  siteId?: string | null;
  name?: string | null;
  url?: string | null;
}

/** `/teams` (`RESTRestorePointTeam`). */
export interface VeeamPointTeamDto {
  id?: string | null;
  displayName?: string | null;
  description?: string | null;
}

/** v8 `RESTProtectedUser` / `RESTProtectedGroup` / `RESTProtectedSite` / `RESTProtectedTeam` (the fields read here). */
export interface VeeamProtectedObjectDto {
  id?: string | null;
  displayName?: string | null;
  organizationId?: string | null;
  /** Users and groups. */
  mailboxes?: Array<{ email?: string | null; isArchive?: boolean | null } | null> | null;
  /** Sites. */
  url?: string | null;
}
