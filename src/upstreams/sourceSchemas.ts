import { graphSourceSchema } from './msgraph/config';
import { veeamSourceSchema } from './veeam/config';

/**
 * The configuration schema of every vendor's sources, discriminated by `vendor`. A new vendor
 * adds its schema here and its module to `registry.ts`.
 */
export const SOURCE_SCHEMAS = [graphSourceSchema, veeamSourceSchema] as const;
