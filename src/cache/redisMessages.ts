import { z } from 'zod';

const instant = z.object({ epochMs: z.number(), key: z.string() }).nullable();

/**
 * What a restore session read back from Redis must look like before the gateway uses it: the
 * fields that identify, order, filter and type it. Anything else a replica wrote is passed on as
 * it is (it came from the same model), but a value that fails this is dropped with a warning.
 */
export const restoreSessionShape = z
  .object({
    __typename: z.enum(['GraphRestoreSession', 'VeeamRestoreSession']),
    id: z.string().min(1),
    vendorId: z.string().min(1),
    sourceId: z.string().min(1),
    vendor: z.enum(['MICROSOFT_GRAPH', 'VEEAM']),
    status: z.enum(['DRAFT', 'ACTIVATING', 'RUNNING', 'COMPLETED', 'COMPLETED_WITH_ISSUES', 'FAILED', 'UNKNOWN']),
    workload: z.enum(['EXCHANGE', 'ONEDRIVE', 'SHAREPOINT', 'TEAMS']).nullable(),
    createdAt: instant,
    completedAt: instant,
    initiatedBy: z.string().nullable(),
  })
  .passthrough();

export const changeEventShape = z.object({ kind: z.enum(['CREATED', 'UPDATED', 'REMOVED']), session: restoreSessionShape });
