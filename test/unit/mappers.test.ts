import { mapGraphStatus, toGraphRestoreSession, toRestoreSessionStatus, graphCollectionOf } from '../../src/upstreams/msgraph/mappers';
import { mapVeeamResult, mapVeeamState, toVeeamRestoreSession, toVeeamRestoreSessionStatus } from '../../src/upstreams/veeam/mappers';

// The contract's status mapping table (§2), one row per case, written out literally.
const GRAPH_ROWS: Array<[string, string, string]> = [
  ['draft', 'DRAFT', 'DRAFT'],
  ['activating', 'ACTIVATING', 'ACTIVATING'],
  ['active', 'ACTIVE', 'RUNNING'],
  ['completed', 'COMPLETED', 'COMPLETED'],
  ['completedWithError', 'COMPLETED_WITH_ERROR', 'COMPLETED_WITH_ISSUES'],
  ['failed', 'FAILED', 'FAILED'],
  ['unknownFutureValue', 'UNKNOWN_FUTURE_VALUE', 'UNKNOWN'],
  ['pausedForLegalHold', 'UNKNOWN_FUTURE_VALUE', 'UNKNOWN'],
];

const VEEAM_ROWS: Array<[string, string | undefined, string, string]> = [
  ['Working', 'Success', 'WORKING', 'RUNNING'],
  ['Working', 'Failed', 'WORKING', 'RUNNING'],
  ['Stopped', 'Success', 'STOPPED', 'COMPLETED'],
  ['Stopped', 'Warning', 'STOPPED', 'COMPLETED_WITH_ISSUES'],
  ['Stopped', 'Failed', 'STOPPED', 'FAILED'],
  ['Stopped', undefined, 'STOPPED', 'UNKNOWN'],
  ['Starting', 'Success', 'STARTING', 'RUNNING'],
  ['Stopping', 'Success', 'STOPPING', 'RUNNING'],
  ['Archived', 'Success', 'UNKNOWN', 'UNKNOWN'],
];

describe('status mapping (contract §2)', () => {
  it.each(GRAPH_ROWS)('Graph %s -> graphStatus %s, status %s', (upstream, graphStatus, status) => {
    expect(mapGraphStatus(upstream)).toBe(graphStatus);
    expect(toRestoreSessionStatus(mapGraphStatus(upstream))).toBe(status);
    expect(toGraphRestoreSession('s', { id: 'x', status: upstream }).status).toBe(status);
  });

  it.each(VEEAM_ROWS)('Veeam %s + %s -> state %s, status %s', (state, result, veeamState, status) => {
    expect(mapVeeamState(state)).toBe(veeamState);
    expect(toVeeamRestoreSessionStatus(mapVeeamState(state), mapVeeamResult(result))).toBe(status);
    expect(toVeeamRestoreSession('s', { id: 'x', type: 'Vex', state, result }).status).toBe(status);
  });
});

describe('workload mapping (contract §2)', () => {
  it.each([
    ['#microsoft.graph.exchangeRestoreSession', 'EXCHANGE'],
    ['#microsoft.graph.oneDriveForBusinessRestoreSession', 'ONEDRIVE'],
    ['#microsoft.graph.sharePointRestoreSession', 'SHAREPOINT'],
    ['#microsoft.graph.sharepointRestoreSession', 'SHAREPOINT'],
    ['#MICROSOFT.GRAPH.EXCHANGERESTORESESSION', 'EXCHANGE'],
    ['#microsoft.graph.restoreSessionBase', null],
    [undefined, null],
  ])('Graph @odata.type %s -> %s', (odataType, workload) => {
    expect(toGraphRestoreSession('s', { id: 'x', '@odata.type': odataType }).workload).toBe(workload);
  });

  it.each([
    ['Vex', 'EXCHANGE', 'VEX'],
    ['Veod', 'ONEDRIVE', 'VEOD'],
    ['Vesp', 'SHAREPOINT', 'VESP'],
    ['Vet', 'TEAMS', 'VET'],
  ])('Veeam %s -> %s', (type, workload, veeamType) => {
    const model = toVeeamRestoreSession('s', { id: 'x', type, state: 'Stopped', result: 'Success' });
    expect(model.workload).toBe(workload);
    expect(model.veeamType).toBe(veeamType);
  });

  it('matches @odata.type without the leading #', () => {
    expect(graphCollectionOf('microsoft.graph.exchangeRestoreSession')).toBe('exchange');
  });
});

describe('field mapping', () => {
  it('takes Graph initiatedBy from the user, else the application, and keeps full-precision order keys', () => {
    const withUser = toGraphRestoreSession('s', {
      id: 'a',
      createdBy: { user: { displayName: 'Adele Vance' }, application: { displayName: 'App' } },
      createdDateTime: '2024-03-30T12:01:03.4500001Z',
    });
    expect(withUser.initiatedBy).toBe('Adele Vance');
    const appOnly = toGraphRestoreSession('s', {
      id: 'b',
      createdBy: { application: { displayName: 'Contoso Restore App' } },
      createdDateTime: '2024-03-30T12:01:03.4500002Z',
    });
    expect(appOnly.initiatedBy).toBe('Contoso Restore App');
    expect(toGraphRestoreSession('s', { id: 'c' }).initiatedBy).toBeNull();
    expect(withUser.createdAt!.epochMs).toBe(appOnly.createdAt!.epochMs);
    expect(withUser.createdAt!.key < appOnly.createdAt!.key).toBe(true);
  });

  it('passes Veeam text through as sent, empty strings included', () => {
    const model = toVeeamRestoreSession('s', { id: 'x', type: 'Vex', state: 'Stopped', result: 'Success', details: '', reason: '', scopeName: '' });
    expect(model.details).toBe('');
    expect(model.reason).toBe('');
  });
});
