import { badUserInput, notFound } from '../../errors';
import { parseProtectedItemId, parseRestorePointId } from '../../ids';
import { parseInstant } from '../../instant';
import type { GraphCollectionKind, ProtectedItemKindValue, SourceModel } from '../../model';
import type {
  CreateGraphRestoreSessionInput,
  GraphDestinationType,
  GraphLatestRestorePointsInput,
  GraphRestoreArtifactInput,
} from '../../__generated__/resolvers-types';
import { findNewestRestorePoints, type RestorePointSearch } from './restorePointSearch';

/** One artifact of a new session as Graph takes it, with the input path it came from (for errors). */
interface PlannedArtifact {
  restorePointId: string;
  destinationType: 'new' | 'inPlace';
  argument: string;
}

/** The protection unit kind a session of each typed collection restores. */
const UNIT_KIND: Record<GraphCollectionKind, ProtectedItemKindValue> = { exchange: 'MAILBOX', oneDrive: 'ONEDRIVE', sharePoint: 'SITE' };

const destination = (value: GraphDestinationType | null | undefined): 'new' | 'inPlace' => (value === 'IN_PLACE' ? 'inPlace' : 'new');

/**
 * The artifacts a caller listed: Graph's own restore point ids (with the unit they restore), or
 * `RestorePoint.id`s from discovery, which must be of this source and of the kind the workload
 * restores. Nothing is asked upstream.
 */
function listedArtifacts(artifacts: readonly GraphRestoreArtifactInput[], source: SourceModel, collection: GraphCollectionKind): PlannedArtifact[] {
  if (artifacts.length === 0) throw badUserInput('input.artifacts', 'Give at least one artifact, or leave artifacts out for an empty draft.');
  return artifacts.map((artifact, i) => {
    const at = `input.artifacts[${i}]`;
    if (!artifact.restorePointId.trim()) throw badUserInput(`${at}.restorePointId`, 'restorePointId must not be empty.');
    const resource = artifact.protectedResourceId;
    if (resource != null && !resource.trim()) throw badUserInput(`${at}.protectedResourceId`, 'protectedResourceId must not be empty.');
    const discovered = parseRestorePointId(artifact.restorePointId);
    if (!discovered) {
      if (resource == null) throw badUserInput(`${at}.protectedResourceId`, "protectedResourceId is required with Graph's own restore point id.");
      return { restorePointId: artifact.restorePointId, destinationType: destination(artifact.destinationType), argument: `${at}.restorePointId` };
    }
    const { item } = discovered;
    if (item.sourceId !== source.id)
      throw badUserInput(`${at}.restorePointId`, `Restore point of source '${item.sourceId.slice(0, 64)}' given for a session of source '${source.id}'.`);
    if (item.kind !== UNIT_KIND[collection])
      throw badUserInput(`${at}.restorePointId`, `That restore point is of a ${item.kind}; this workload restores ${UNIT_KIND[collection]} restore points.`);
    if (resource != null && resource.toLowerCase() !== item.vendorId.toLowerCase())
      throw badUserInput(`${at}.protectedResourceId`, `The restore point belongs to protection unit '${item.vendorId}', not '${resource.slice(0, 64)}'.`);
    return { restorePointId: discovered.vendorId, destinationType: destination(artifact.destinationType), argument: `${at}.restorePointId` };
  });
}

interface LatestRequest {
  units: Array<{ id: string; unitId: string; argument: string }>;
  beforeMs: number | null;
  destinationType: 'new' | 'inPlace';
}

/** Checks `latestRestorePoints` without asking anything: ids of this source and kind, each once, and a readable `before`. */
function latestRequest(input: GraphLatestRestorePointsInput, source: SourceModel, collection: GraphCollectionKind, maxIds: number): LatestRequest {
  const at = 'input.latestRestorePoints';
  const ids = input.protectedItemIds;
  if (ids.length === 0 || ids.length > maxIds) throw badUserInput(`${at}.protectedItemIds`, `Give 1 to ${maxIds} protected item ids; got ${ids.length}.`);
  const seen = new Set<string>();
  const units = ids.map((id, i) => {
    const argument = `${at}.protectedItemIds[${i}]`;
    const ref = parseProtectedItemId(id);
    if (!ref) throw badUserInput(argument, `'${id.slice(0, 80)}' is not a protected item id (\`ProtectedItem.id\`).`);
    if (ref.sourceId !== source.id)
      throw badUserInput(argument, `Protected item of source '${ref.sourceId.slice(0, 64)}' given for a session of source '${source.id}'.`);
    if (ref.kind !== UNIT_KIND[collection])
      throw badUserInput(argument, `That protected item is a ${ref.kind}; this workload restores ${UNIT_KIND[collection]} items.`);
    if (seen.has(ref.vendorId.toLowerCase())) throw badUserInput(argument, 'This protected item is listed twice.');
    seen.add(ref.vendorId.toLowerCase());
    return { id, unitId: ref.vendorId, argument };
  });
  let beforeMs: number | null = null;
  if (input.before != null) {
    const instant = parseInstant(input.before);
    if (!instant) throw badUserInput(`${at}.before`, `'${input.before.slice(0, 60)}' is not an RFC 3339 date-time with an offset.`);
    beforeMs = instant.epochMs;
  }
  return { units, beforeMs, destinationType: destination(input.destinationType) };
}

/** Each item's latest restore point before the bound, found with the chunked search; an item with none is NOT_FOUND. */
async function latestArtifacts(request: LatestRequest, source: SourceModel, search: RestorePointSearch): Promise<PlannedArtifact[]> {
  const { units, beforeMs, destinationType } = request;
  const found = await findNewestRestorePoints(
    units.map((u) => ({ unitId: u.unitId, first: 1 })),
    { beforeMs, afterMs: null },
    search,
  );
  return units.map((unit) => {
    const [latest] = found.get(unit.unitId.toLowerCase()) ?? [];
    const when = beforeMs === null ? '' : ` before ${new Date(beforeMs).toISOString()}`;
    if (!latest) throw notFound(source.id, `A restore point${when} of protected item ${unit.id}`);
    return { restorePointId: latest.id, destinationType, argument: unit.argument };
  });
}

/** One session's artifacts: each restore point once, and one destination type for all (Graph refuses mixed ones). */
function checkArtifacts(artifacts: readonly PlannedArtifact[], destinationArgument: string): void {
  const seen = new Set<string>();
  for (const artifact of artifacts) {
    const key = artifact.restorePointId.toLowerCase();
    if (seen.has(key)) throw badUserInput(artifact.argument, `Restore point '${artifact.restorePointId}' is listed twice.`);
    seen.add(key);
  }
  if (new Set(artifacts.map((a) => a.destinationType)).size > 1)
    throw badUserInput(destinationArgument, 'All artifacts of one session must restore to the same destination type (NEW or IN_PLACE).');
}

/**
 * The artifacts of a new session from `artifacts` and `latestRestorePoints` (null: an empty
 * draft). Everything that can be checked without Graph is checked before the first search, and
 * the searches run before anything is written.
 */
export async function planArtifacts(
  input: Pick<CreateGraphRestoreSessionInput, 'artifacts' | 'latestRestorePoints'>,
  source: SourceModel,
  collection: GraphCollectionKind,
  maxIds: number,
  search: RestorePointSearch,
): Promise<Array<{ restorePointId: string; destinationType: 'new' | 'inPlace' }> | null> {
  if (!input.artifacts && !input.latestRestorePoints) return null;
  const listed = input.artifacts ? listedArtifacts(input.artifacts, source, collection) : [];
  checkArtifacts(listed, 'input.artifacts');
  const request = input.latestRestorePoints ? latestRequest(input.latestRestorePoints, source, collection, maxIds) : null;
  if (request && listed.length > 0 && listed[0].destinationType !== request.destinationType)
    throw badUserInput(
      'input.latestRestorePoints.destinationType',
      'All artifacts of one session must restore to the same destination type (NEW or IN_PLACE).',
    );
  const all = request ? [...listed, ...(await latestArtifacts(request, source, search))] : listed;
  checkArtifacts(all, 'input.artifacts');
  return all.map(({ restorePointId, destinationType }) => ({ restorePointId, destinationType }));
}
