import { z } from 'zod';
import { commonSource, httpUrl } from '../sourceConfig';

/** A Microsoft Graph tenant as a source (client credentials of an app registration). */
export const graphSourceSchema = z
  .object({
    ...commonSource,
    vendor: z.literal('msgraph'),
    /** Sessions per list page asked for (`$top`); Graph caps it at what it honours. */
    pageSize: z.number().int().min(1).max(999).default(999),
    auth: z
      .object({
        tenantId: z.string().min(1),
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
        tokenUrl: httpUrl.optional(),
        scope: z.string().min(1).default('https://graph.microsoft.com/.default'),
      })
      .strict(),
  })
  .strict();

export type GraphSourceConfig = z.infer<typeof graphSourceSchema>;
