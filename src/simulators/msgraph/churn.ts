import { SeededRandom, deriveSeed } from '../common/random';
import type { ChurnStepResult } from '../common/churn';
import type { GraphDiscovery } from './discovery';
import type { GraphStore, NewArtifactInput } from './store';
import { TERMINAL_STATUSES, WORKLOAD_UNIT, type GraphWorkloadKind } from './records';

const WORKLOADS: GraphWorkloadKind[] = ['exchange', 'oneDrive', 'sharePoint'];

/**
 * One Graph churn event (see `common/churn.ts`):
 * 1. drafts added by earlier events are activated (up to Graph's 25 concurrent activations), after
 *    which they run the store's lifecycle on the simulated clock: activating for `activatingMs`,
 *    active while artifacts restore (`perArtifactMs` each, `parallelArtifacts` at a time), then
 *    completed / completedWithError / failed as their artifacts decided;
 * 2. a new draft appears: a random workload, 1..6 artifacts on restore points of the discovery
 *    data's units of that workload, an outcome drawn up front (60 % completed, 25 %
 *    completedWithError, 15 % failed);
 * 3. while the store holds more than `target` sessions, the oldest terminal session (by
 *    createdDateTime, then id) is removed, as Graph's retention clean-up removes old ones.
 *
 * Decisions come from the seed and the step sequence only. The lifecycle follows `SimClock`, which
 * is wall-clock time plus the offset tests add: with the demo's real time a churned session goes
 * draft → activating → active → terminal within seconds (default lifecycle), while a test that
 * only calls `step()` advances it with `clock.advance()`.
 */
export function graphChurnEvent(store: GraphStore, discovery: GraphDiscovery, seed: number, target: number): (step: number) => ChurnStepResult {
  const rng = new SeededRandom(deriveSeed(seed, 'churn'));
  const drafts: Array<{ id: string; step: number }> = [];
  const creator = { application: { id: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', displayName: 'Contoso Restore App' } };

  return (step) => {
    const result: ChurnStepResult = { added: [], advanced: [], removed: [] };

    for (let i = 0; i < drafts.length;) {
      const { id, step: createdAt } = drafts[i];
      const record = store.get(id);
      if (!record || store.view(record).status !== 'draft') {
        drafts.splice(i, 1);
        continue;
      }
      if (createdAt < step && store.countActivating() < 25) {
        store.activate(record);
        result.advanced.push(record.id);
        drafts.splice(i, 1);
        continue;
      }
      i++;
    }

    const workload = rng.pick(WORKLOADS);
    const units = discovery.units(WORKLOAD_UNIT[workload]).filter((u) => discovery.restorePointsOf(u.id).length > 0);
    const count = Math.min(units.length, rng.int(1, 6));
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(rng.int(0, units.length - 1));
    const roll = rng.next();
    const outcome = roll < 0.6 || count < 2 ? (roll < 0.85 ? 'completed' : 'failed') : roll < 0.85 ? 'completedWithError' : 'failed';
    const failing = outcome === 'completedWithError' ? rng.int(1, count - 1) : outcome === 'failed' ? count : 0;
    const destinationType = rng.chance(0.5) ? 'new' : 'inPlace';
    const artifacts: NewArtifactInput[] = [...chosen].map((index, i) => {
      const unit = units[index];
      const point = rng.pick(discovery.restorePointsOf(unit.id));
      return {
        restorePointId: point.id,
        protectedResourceId: unit.id,
        protectionTime: point.protection,
        expirationTime: point.expiration,
        destinationType,
        willFail: i < failing,
      };
    });
    const record = store.create(workload, artifacts, creator, 'standard', { id: rng.guid() });
    drafts.push({ id: record.id, step });
    result.added.push(record.id);

    while (store.size > target) {
      let oldest: { id: string; created: number } | null = null;
      for (const s of store.all()) {
        if (!TERMINAL_STATUSES.has(store.view(s).status)) continue;
        const created = s.created?.ms ?? 0;
        if (!oldest || created < oldest.created || (created === oldest.created && s.id < oldest.id)) oldest = { id: s.id, created };
      }
      if (!oldest) break;
      store.removeSession(oldest.id);
      result.removed.push(oldest.id);
    }
    return result;
  };
}
