import { startGraphSimulator, type GraphSimulator, type GraphSimulatorOptions } from './msgraph/server';
import { startVeeamSimulator, type VeeamSimulator, type VeeamSimulatorOptions } from './veeam/server';

export interface SimulatorPair {
  graph: GraphSimulator;
  veeam: VeeamSimulator;
  close(): Promise<void>;
}

export interface StartSimulatorsOptions {
  graph?: GraphSimulatorOptions;
  veeam?: VeeamSimulatorOptions;
  /**
   * Session churn for both simulators, in events per wall-clock minute (0 or absent = off): new
   * sessions appear, run and finish, old terminal ones disappear. A simulator's own
   * `churnPerMinute` wins over this.
   */
  churn?: number;
}

/** Starts both simulators; the one entry point for the demo, the tests, the benchmark and compose. */
export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<SimulatorPair> {
  const churn = options.churn ?? 0;
  const [graph, veeam] = await Promise.all([
    startGraphSimulator({ churnPerMinute: churn, ...options.graph }),
    startVeeamSimulator({ churnPerMinute: churn, ...options.veeam }),
  ]);
  return {
    graph,
    veeam,
    close: async () => {
      await Promise.all([graph.close(), veeam.close()]);
    },
  };
}
