import { upstreamError } from '../../errors';
import type { ProtectedItemModel, SourceModel } from '../../model';
import { mapUpstreamItems } from '../mapping';
import { toFoundRestorePoint, toGraphProtectedItem } from './discoveryMappers';
import type { GraphProtectionPolicyDto, GraphProtectionUnitDto, GraphRestorePointSearchBody, GraphRestorePointSearchResponseDto } from './discoveryTypes';
import type { FoundRestorePoint, RestorePointSearchAnswer } from './restorePointSearch';

/** The few transport operations discovery needs from its connector (which keeps URLs, tokens and retries). */
export interface GraphReadPort {
  source: SourceModel;
  /** Every item of a collection under the version root, following `@odata.nextLink`. */
  readAll<T>(path: string, route: string): Promise<T[]>;
  /** A POST that only reads (an OData action such as search): retried like a read; `acceptStatuses` are answers, not failures. */
  postRead(path: string, route: string, body: string, acceptStatuses: readonly number[]): Promise<{ status: number; json: unknown }>;
  /** Graph's error code in an error body. */
  errorCode(body: unknown): string | undefined;
}

/**
 * Both names of the search action (notes §7.5): Learn documents `restorePoints/search`, the OpenAPI
 * description the namespace-qualified `restorePoints/microsoft.graph.search`.
 */
const SEARCH_PATHS = [
  { path: '/solutions/backupRestore/restorePoints/search', route: 'POST /restorePoints/search' },
  { path: '/solutions/backupRestore/restorePoints/microsoft.graph.search', route: 'POST /restorePoints/microsoft.graph.search' },
] as const;

/**
 * Microsoft Graph backup discovery: protection units of all three kinds with their policies, and
 * `restorePoints/search`. It holds no cache; the loaders put the entity cache in front of it.
 */
export class GraphDiscoveryClient {
  /** The search path this tenant answered last; the other one is tried when it says it has no such path. */
  private searchPath = 0;

  constructor(private readonly port: GraphReadPort) {}

  /** Every protection unit (the polymorphic list carries each unit's `@odata.type`), named after its policy. */
  async listProtectedItems(): Promise<ProtectedItemModel[]> {
    const [units, policies] = await Promise.all([
      this.port.readAll<GraphProtectionUnitDto>('/solutions/backupRestore/protectionUnits', 'GET /protectionUnits'),
      this.port.readAll<GraphProtectionPolicyDto>('/solutions/backupRestore/protectionPolicies', 'GET /protectionPolicies'),
    ]);
    const policyNames = new Map<string, string>();
    for (const policy of policies) if (typeof policy?.id === 'string' && policy.displayName) policyNames.set(policy.id.toLowerCase(), policy.displayName);
    const sourceId = this.port.source.id;
    return mapUpstreamItems(units, (unit) => toGraphProtectedItem(sourceId, unit, policyNames), this.port.source).filter(
      (item): item is ProtectedItemModel => item !== null,
    );
  }

  /**
   * One search. A tenant that does not know the path asked (404; 405, having read the action's
   * name as a restore point id; or Graph's generic 400 `BadRequest` for an unknown segment) is
   * asked once more on the other path, which is then kept for later searches.
   */
  async search(body: GraphRestorePointSearchBody): Promise<RestorePointSearchAnswer> {
    const payload = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      const { path, route } = SEARCH_PATHS[this.searchPath];
      const answer = await this.port.postRead(path, route, payload, [400, 404, 405]);
      if (answer.status === 200) return this.readAnswer(answer.json, body);
      const code = this.port.errorCode(answer.json);
      if (attempt === 0 && (answer.status === 404 || answer.status === 405 || code === 'BadRequest')) {
        this.searchPath = 1 - this.searchPath;
        continue;
      }
      throw upstreamError.refused(this.port.source, answer.status, code);
    }
  }

  private readAnswer(json: unknown, body: GraphRestorePointSearchBody): RestorePointSearchAnswer {
    const dto = json as GraphRestorePointSearchResponseDto | undefined;
    if (!dto || typeof dto !== 'object' || (dto.searchResults != null && !Array.isArray(dto.searchResults)))
      throw upstreamError.unavailable(this.port.source, 'sent a search answer without searchResults', 200);
    const soleUnit = body.protectionUnitIds.length === 1 ? body.protectionUnitIds[0] : null;
    const points: FoundRestorePoint[] = (dto.searchResults ?? []).map((result) => {
      const point = toFoundRestorePoint(result?.restorePoint, soleUnit);
      if (!point) throw upstreamError.unavailable(this.port.source, 'sent a restore point without an id, a protectionDateTime or its protection unit', 200);
      return point;
    });
    const noResultUnitIds = (dto.noResultProtectionUnitIds ?? []).filter((id): id is string => typeof id === 'string');
    return { points, noResultUnitIds };
  }
}
