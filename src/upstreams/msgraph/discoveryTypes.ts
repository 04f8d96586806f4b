/** Microsoft Graph backup discovery wire shapes (notes §7; every property may be null or absent). */

/** `protectionUnitBase` and its three subtypes, as `GET /protectionUnits` lists them (with `@odata.type`). */
export interface GraphProtectionUnitDto {
  '@odata.type'?: string;
  id: string;
  policyId?: string | null;
  status?: string | null;
  /** Mailbox and drive units (displayName and email only under delegated permissions). */
  directoryObjectId?: string | null;
  displayName?: string | null;
  email?: string | null;
  /** Site units. */
  siteId?: string | null;
  siteName?: string | null;
  siteWebUrl?: string | null;
}

/** `protectionPolicyBase`, as `GET /protectionPolicies` lists it. */
export interface GraphProtectionPolicyDto {
  id: string;
  displayName?: string | null;
  status?: string | null;
}

export interface GraphRestorePointDto {
  id?: string | null;
  protectionDateTime?: string | null;
  expirationDateTime?: string | null;
  tags?: string | null;
  protectionUnit?: { id?: string | null } | null;
}

/** Body of `POST /restorePoints/search`. */
export interface GraphRestorePointSearchBody {
  protectionUnitIds: string[];
  protectionTimePeriod: { startDateTime: string; endDateTime?: string };
  restorePointPreference?: 'latest' | 'oldest';
}

/** `restorePointSearchResponse`. */
export interface GraphRestorePointSearchResponseDto {
  searchResponseId?: string | null;
  searchResults?: Array<{ restorePoint?: GraphRestorePointDto | null; artifactHitCount?: number | null } | null> | null;
  noResultProtectionUnitIds?: Array<string | null> | null;
}
