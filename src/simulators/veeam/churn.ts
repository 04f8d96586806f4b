import { SeededRandom, deriveSeed } from '../common/random';
import type { ChurnStepResult } from '../common/churn';
import type { VeeamOrganizationRecord, VeeamSessionRecord, VeeamSessionType } from './records';

const TYPES: VeeamSessionType[] = ['Vex', 'Veod', 'Vesp', 'Vet'];

/** The parts of the Veeam simulator churn works through (so every change raises its feed event). */
export interface VeeamChurnTarget {
  sessions: Map<string, VeeamSessionRecord>;
  organizations: VeeamOrganizationRecord[];
  addSession(partial: { id: string; type: VeeamSessionType; organizationId: string; state: string; result: string }): VeeamSessionRecord;
  updateSession(id: string, change: { state?: string; result?: string }): VeeamSessionRecord;
  removeSession(id: string): boolean;
}

/**
 * One Veeam churn event (see `common/churn.ts`):
 * 1. Working sessions added by earlier events whose time has come (1..3 events after they
 *    appeared, drawn when they appeared) stop with Success (70 %), Warning (20 %) or Failed (10 %);
 * 2. a new Working session appears (random type, random listed organisation);
 * 3. while there are more than `target` sessions, the oldest Stopped session (by creationTime,
 *    then id) is removed.
 * Each change goes through the simulator's controls, so on v8 it bumps the session's eTag and
 * raises `RestoreSessionUpdate` / `RestoreSessionDelete` on `GET /v8/Events`. Decisions come from
 * the seed and the step sequence only.
 */
export function veeamChurnEvent(sim: VeeamChurnTarget, seed: number, target: number): (step: number) => ChurnStepResult {
  const rng = new SeededRandom(deriveSeed(seed, 'churn'));
  const running: Array<{ id: string; stopAt: number; result: string }> = [];
  return (step) => {
    const result: ChurnStepResult = { added: [], advanced: [], removed: [] };
    for (let i = 0; i < running.length;) {
      const entry = running[i];
      const session = sim.sessions.get(entry.id);
      if (!session || session.state !== 'Working') {
        running.splice(i, 1);
        continue;
      }
      if (entry.stopAt <= step) {
        sim.updateSession(entry.id, { state: 'Stopped', result: entry.result });
        result.advanced.push(entry.id);
        running.splice(i, 1);
        continue;
      }
      i++;
    }

    const listed = sim.organizations.filter((o) => o.listed);
    const type = rng.pick(TYPES);
    const org = rng.pick(listed);
    const roll = rng.next();
    const outcome = roll < 0.7 ? 'Success' : roll < 0.9 ? 'Warning' : 'Failed';
    const record = sim.addSession({ id: rng.guid(), type, organizationId: org.id, state: 'Working', result: 'Success' });
    running.push({ id: record.id, stopAt: step + rng.int(1, 3), result: outcome });
    result.added.push(record.id);

    while (sim.sessions.size > target) {
      let oldest: VeeamSessionRecord | null = null;
      for (const s of sim.sessions.values()) {
        if (s.state !== 'Stopped') continue;
        if (
          !oldest ||
          s.creation.ms < oldest.creation.ms ||
          (s.creation.ms === oldest.creation.ms &&
            (s.creation.ticks < oldest.creation.ticks || (s.creation.ticks === oldest.creation.ticks && s.id < oldest.id)))
        )
          oldest = s;
      }
      if (!oldest) break;
      sim.removeSession(oldest.id);
      result.removed.push(oldest.id);
    }
    return result;
  };
}
