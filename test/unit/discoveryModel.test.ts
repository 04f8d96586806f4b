import { makeExecutableSchema } from '@graphql-tools/schema';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { decodeGlobalId, encodeGlobalId, encodeProtectedItemId, encodeRestorePointId, parseProtectedItemId, parseRestorePointId } from '../../src/ids';
import { operationCost } from '../../src/limits/queryCost';
import { compileProtectedItemFilter, decodeProtectedItemCursor, pageOfProtectedItems } from '../../src/listing/protectedItems';
import type { ProtectedItemModel } from '../../src/model';
import { loadTypeDefs } from '../../src/schema';
import { toGraphProtectedItem } from '../../src/upstreams/msgraph/discoveryMappers';
import { fromProtectedObject, toPointObjects } from '../../src/upstreams/veeam/discoveryMappers';

const item = (displayName: string, vendorId: string, address: string | null = null): ProtectedItemModel => ({
  __typename: 'ProtectedItem',
  id: encodeProtectedItemId({ sourceId: 's', kind: 'MAILBOX', vendorId }),
  vendorId,
  sourceId: 's',
  vendor: 'MICROSOFT_GRAPH',
  kind: 'MAILBOX',
  displayName,
  address,
  organizationId: null,
  jobId: null,
  policyName: null,
  protectionStatus: null,
});

describe('discovery ids', () => {
  it('round-trips protected item and restore point ids, whatever the vendor id holds', () => {
    const siteId = 'contoso.sharepoint.com,2c6e1c1d-bd7c-4d34-9a8d-2a4d5b0f6c17,4fa3b0e8-c2a5-4f1e-8d34-5a0c6f7e9b21:x';
    const ref = { sourceId: 'contoso', kind: 'SITE' as const, vendorId: siteId };
    expect(parseProtectedItemId(encodeProtectedItemId(ref))).toEqual(ref);
    expect(parseRestorePointId(encodeRestorePointId({ item: ref, vendorId: 'rp-1' }))).toEqual({ item: ref, vendorId: 'rp-1' });
  });

  it('tells the kinds of ids apart: a session id, a raw vendor id or a restore point id is no protected item id', () => {
    const session = encodeGlobalId('contoso', 'abc');
    const point = encodeRestorePointId({ item: { sourceId: 's', kind: 'USER', vendorId: 'u' }, vendorId: 'p' });
    expect(parseProtectedItemId(session)).toBeNull();
    expect(parseProtectedItemId(point)).toBeNull();
    expect(parseRestorePointId('1c3a4b5d-0000-4000-8000-000000000000')).toBeNull();
    expect(parseRestorePointId(Buffer.from('["rp1","s","SHOE","u","p"]').toString('base64url'))).toBeNull();
    expect(() => decodeGlobalId(point, 'id')).toThrow(/not a restore session id/);
  });
});

describe('discovery mappers', () => {
  it('maps Graph protection units by @odata.type, naming a mailbox by its directory object when Graph leaves the name out', () => {
    const policies = new Map([['p1', 'Contoso mailboxes']]);
    expect(
      toGraphProtectedItem(
        's',
        { '@odata.type': '#microsoft.graph.mailboxProtectionUnit', id: 'u1', policyId: 'P1', status: 'protected', directoryObjectId: 'd1' },
        policies,
      ),
    ).toMatchObject({ kind: 'MAILBOX', displayName: 'd1', address: null, policyName: 'Contoso mailboxes', protectionStatus: 'protected' });
    expect(
      toGraphProtectedItem(
        's',
        { '@odata.type': '#Microsoft.Graph.SiteProtectionUnit', id: 'u2', siteName: 'Finance', siteWebUrl: 'https://x/sites/Finance' },
        policies,
      ),
    ).toMatchObject({ kind: 'SITE', displayName: 'Finance', address: 'https://x/sites/Finance', policyName: null });
    expect(toGraphProtectedItem('s', { '@odata.type': '#microsoft.graph.teamsProtectionUnit', id: 'u3' }, policies)).toBeNull();
  });

  it('reads the v6 per-restore-point lists (a site’s id is siteId) and v8 protected objects (a user by its non-archive mailbox)', () => {
    expect(toPointObjects('webs', [{ siteId: 's1', name: 'Finance', url: 'https://x/sites/Finance' }, { name: 'no id' }])).toEqual([
      { kind: 'SITE', vendorId: 's1', displayName: 'Finance', address: 'https://x/sites/Finance' },
    ]);
    expect(toPointObjects('teams', [{ id: 't1', displayName: 'Sales' }])).toEqual([{ kind: 'TEAM', vendorId: 't1', displayName: 'Sales', address: null }]);
    expect(
      fromProtectedObject('s', 'USER', {
        id: 'u1',
        displayName: 'Adele Vance',
        organizationId: 'o1',
        mailboxes: [
          { email: 'archive@contoso.com', isArchive: true },
          { email: 'adele@contoso.com', isArchive: false },
        ],
      }),
    ).toEqual({ kind: 'USER', vendorId: 'u1', displayName: 'Adele Vance', address: 'adele@contoso.com', organizationId: 'o1' });
  });
});

describe('the protected item list', () => {
  it('orders by display name case-insensitively, then by id, and pages from a cursor without repeats', () => {
    const items = [item('bravo', 'b'), item('Alpha', 'a2'), item('alpha', 'a1'), item('Charlie', 'c')];
    const first = pageOfProtectedItems(items, 2, null);
    expect(first.items.map((i) => i.displayName)).toEqual(['Alpha', 'alpha']);
    expect(first.hasNextPage).toBe(true);
    const after = decodeProtectedItemCursor(first.cursorOf(first.items[1], 1), 'after');
    const second = pageOfProtectedItems(items, 5, after);
    expect(second.items.map((i) => i.displayName)).toEqual(['bravo', 'Charlie']);
    expect(second).toMatchObject({ hasNextPage: false, hasPreviousPage: true, totalCount: 4 });
  });

  it('filters by kind and by a case-insensitive substring of the name or the address; an empty list matches nothing', () => {
    const filter = compileProtectedItemFilter({ search: 'CONTOSO.COM', kinds: ['MAILBOX'] }, new Set(['s']));
    expect(filter.matches?.(item('Adele', 'a', 'adele@contoso.com'))).toBe(true);
    expect(filter.matches?.(item('Contoso', 'b'))).toBe(false);
    const none = compileProtectedItemFilter({ vendors: [] }, new Set(['s']));
    expect(none.selects({ id: 's', vendor: 'VEEAM' })).toBe(false);
    expect(() => compileProtectedItemFilter({ search: 'x'.repeat(201) }, new Set())).toThrow(/1 to 200/);
  });
});

describe('query cost of discovery', () => {
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
  const cost = (query: string) => {
    const document = parse(query);
    return operationCost(schema, document, document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode);
  };

  it('charges restorePoints first × its selection inside each listed item (default 5)', () => {
    expect(cost('{ protectedItems(first: 10) { nodes { id restorePoints(first: 12) { id createdAt } } } }')).toBe(10 * (1 + 1 + 12 * 2));
    expect(cost('{ protectedItems(first: 10) { nodes { restorePoints { id } } } }')).toBe(10 * (1 + 5));
  });
});
