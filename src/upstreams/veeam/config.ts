import { z } from 'zod';
import { commonSource } from '../sourceConfig';

/** A Veeam Backup for Microsoft 365 server as a source (REST v6, v7 or v8). */
export const veeamSourceSchema = z
  .object({
    ...commonSource,
    vendor: z.literal('veeam'),
    apiVersion: z.enum(['v6', 'v7', 'v8']).default('v6'),
    auth: z.object({ username: z.string().min(1), password: z.string().min(1) }).strict(),
    /** Page size for session listings (VB365 caps it at 10,000). */
    pageSize: z.number().int().min(1).max(10_000).default(1000),
    /** Parallel single-session reads (a GraphQL request's, or the index's re-reads of live sessions). */
    maxConcurrency: z.number().int().min(1).max(64).default(8),
  })
  .strict();

export type VeeamSourceConfig = z.infer<typeof veeamSourceSchema>;
