/** The dashboard API's query parameters, validated with zod (400 with one message per field). */
import type { Request } from 'restify';
import { z } from 'zod';
import { formatZodIssues } from '../../domain/validation.js';
import { LEAD_TABLES } from './tables.js';
import type { Viewer } from './tab-auth.js';

export interface ApiAnswer {
  status?: number;
  body: unknown;
  csv?: string;
  filename?: string;
}
export type ApiHandler = (req: Request, viewer: Viewer) => Promise<ApiAnswer>;
/** Adds an authenticated API route. */
export type ApiRoute = (route: string, handler: ApiHandler) => void;

export const weekParam = z.coerce.number().int().min(1).max(52);
export const idParam = z.string().min(1).max(200).regex(/^[^$]/, 'must not start with $');
export const leadQuery = z
  .object({
    cohortId: idParam,
    fromWeek: weekParam.optional(),
    toWeek: weekParam.optional(),
    profession: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .refine((q) => q.fromWeek === undefined || q.toWeek === undefined || q.fromWeek <= q.toWeek, {
    message: 'fromWeek must not be after toWeek',
    path: ['fromWeek'],
  });
export const tableQuery = z
  .object({
    cohortId: idParam,
    fromWeek: weekParam.optional(),
    toWeek: weekParam.optional(),
    profession: z.string().trim().min(1).max(100).optional(),
    table: z.enum(LEAD_TABLES),
  })
  .strict();
/** The cohorts of a comparison: at least two, at most `max`. */
export const compareQuery = (max: number) =>
  z
    .object({
      cohortIds: z
        .string()
        .max(2000)
        .transform((v) => [
          ...new Set(
            v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          ),
        ])
        .pipe(
          z
            .array(idParam)
            .min(2, 'choose at least two cohorts to compare')
            .max(max, `choose up to ${max} cohorts`),
        ),
    })
    .strict();
export const devTokenQuery = z.object({ as: z.string().trim().email().max(200) }).strict();
export const emptyQuery = z.object({}).strict();
/** "Open check-in" on the supervisor's tab: which week of the student's check-ins. */
export const openCheckinBody = z.object({ week: weekParam }).strict();

export class BadRequest extends Error {
  constructor(readonly fields: Record<string, string>) {
    super('Some query parameters are not valid.');
  }
}

export function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, query: unknown): T {
  const result = schema.safeParse(query ?? {});
  if (!result.success) throw new BadRequest(formatZodIssues(result.error));
  return result.data;
}
