import { startGraphSimulator, type GraphSimulator, type GraphSimulatorOptions } from './msgraph/server';
import { startVeeamSimulator, type VeeamSimulator, type VeeamSimulatorOptions } from './veeam/server';

export interface SimulatorPair {
  graph: GraphSimulator;
  veeam: VeeamSimulator;
  close(): Promise<void>;
}

/** Starts both simulators; the one entry point for the demo, the tests, the benchmark and compose. */
export async function startSimulators(options: { graph?: GraphSimulatorOptions; veeam?: VeeamSimulatorOptions } = {}): Promise<SimulatorPair> {
  const [graph, veeam] = await Promise.all([startGraphSimulator(options.graph), startVeeamSimulator(options.veeam)]);
  return {
    graph,
    veeam,
    close: async () => {
      await Promise.all([graph.close(), veeam.close()]);
    },
  };
}
