/** Microsoft Graph backup storage wire shapes (every property may be null or absent). */

export interface GraphIdentityDto {
  id?: string | null;
  displayName?: string | null;
}

export interface GraphIdentitySetDto {
  user?: GraphIdentityDto | null;
  application?: GraphIdentityDto | null;
  device?: GraphIdentityDto | null;
}

export interface GraphPublicErrorDto {
  code?: string | null;
  message?: string | null;
  target?: string | null;
  details?: Array<{ code?: string | null; message?: string | null; target?: string | null }> | null;
}

export interface GraphRestoreSessionDto {
  '@odata.type'?: string;
  id: string;
  status?: string | null;
  restoreJobType?: string | null;
  restoreSessionArtifactCount?: { total?: number | null; completed?: number | null; failed?: number | null; inProgress?: number | null } | null;
  createdBy?: GraphIdentitySetDto | null;
  createdDateTime?: string | null;
  lastModifiedBy?: GraphIdentitySetDto | null;
  lastModifiedDateTime?: string | null;
  completedDateTime?: string | null;
  error?: GraphPublicErrorDto | null;
}

export interface GraphArtifactDto {
  id: string;
  status?: string | null;
  destinationType?: string | null;
  startDateTime?: string | null;
  completionDateTime?: string | null;
  error?: GraphPublicErrorDto | null;
  restorePoint?: { id?: string | null; protectionUnit?: { id?: string | null } | null } | null;
  restoredSiteId?: string | null;
  restoredFolderId?: string | null;
}

export interface GraphCollectionPage<T> {
  '@odata.nextLink'?: string;
  value: T[];
}

export interface GraphBatchResponseItem {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}
