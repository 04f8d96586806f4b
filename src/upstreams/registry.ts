import type { SourceConfig } from '../config';
import type { Resolvers } from '../__generated__/resolvers-types';
import type { ConnectorDeps } from './connectorDeps';
import type { SourceConnector } from './connector';
import { GraphConnector } from './msgraph/client';
import type { GraphSourceConfig } from './msgraph/config';
import { graphResolvers } from './msgraph/resolvers';
import { VeeamConnector } from './veeam/client';
import type { VeeamSourceConfig } from './veeam/config';
import { veeamDiscoveryResolvers } from './veeam/discoveryResolvers';
import { veeamResolvers } from './veeam/resolvers';

/** What a vendor brings: its connector, the secrets in its configuration, and its part of the schema's resolvers. */
export interface VendorModule<C extends SourceConfig> {
  createConnector(config: C, deps: ConnectorDeps): SourceConnector;
  /** Configured secrets, so none can reach a log line or an error message. */
  secretsOf(config: C): Array<string | undefined>;
  /** Its parts of the schema's resolvers (merged type by type). */
  resolvers: Resolvers[];
}

/**
 * The vendor seam: everything vendor-specific is reached through here. A new vendor is a folder
 * under `src/upstreams/` (client, auth, config, mappers, loaders, resolvers), its SDL file in
 * `schema/`, its config schema in `sourceSchemas.ts`, and one line below.
 */
export const VENDORS: { [V in SourceConfig['vendor']]: VendorModule<Extract<SourceConfig, { vendor: V }>> } = {
  msgraph: {
    createConnector: (config: GraphSourceConfig, deps) => new GraphConnector(config, deps),
    secretsOf: (config) => [config.auth.clientSecret],
    resolvers: [graphResolvers],
  },
  veeam: {
    createConnector: (config: VeeamSourceConfig, deps) => new VeeamConnector(config, deps),
    secretsOf: (config) => [config.auth.password],
    resolvers: [veeamResolvers, veeamDiscoveryResolvers],
  },
};

function moduleOf<C extends SourceConfig>(config: C): VendorModule<C> {
  return VENDORS[config.vendor] as unknown as VendorModule<C>;
}

export function createConnector(config: SourceConfig, deps: ConnectorDeps): SourceConnector {
  return moduleOf(config).createConnector(config, deps);
}

export function secretsOf(config: SourceConfig): Array<string | undefined> {
  return moduleOf(config).secretsOf(config);
}

export const vendorResolvers: Resolvers[] = Object.values(VENDORS).flatMap((v) => v.resolvers);
