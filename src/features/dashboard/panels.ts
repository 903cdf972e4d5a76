/**
 * The shape every dashboard panel has, and the helpers that fill it. A panel is never blank:
 * it has data, or a state with a sentence telling the person what is going on and what to do.
 */
import type { Document } from 'mongodb';
import type { Services } from '../../services.js';
import { collections, type CollectionSpec } from '../../storage/collections.js';
import { TenantScope } from '../../storage/tenant-scope.js';

export type PanelState = 'ok' | 'empty' | 'not-set-up' | 'suppressed';

export interface Panel<T> {
  state: PanelState;
  /** For every state but 'ok': what the person should know or do. */
  message?: string;
  data?: T;
}

export const ok = <T>(data: T): Panel<T> => ({ state: 'ok', data });
export const empty = <T>(message: string): Panel<T> => ({ state: 'empty', message });
export const notSetUp = <T>(what: string): Panel<T> => ({
  state: 'not-set-up',
  message: `${what} are not set up yet on this service. This panel fills in once they are.`,
});
export const suppressed = <T>(minimum: number, size: number): Panel<T> => ({
  state: 'suppressed',
  message: `Hidden to protect anonymity: results are shown for groups of at least ${minimum} people (this group has ${size}).`,
});

/** A collection another feature registered, or null while that feature has not landed. */
export function registered(key: string): CollectionSpec | null {
  const spec = (collections as Record<string, CollectionSpec | undefined>)[key];
  return spec ?? null;
}

/** The tenant's view of a registered collection (its first stage is always the tenant $match). */
export function scoped(services: Services, spec: CollectionSpec, tenantId: string) {
  return new TenantScope<Document & { tenantId: string }>(services.db.collection(spec.name), tenantId);
}

/** Runs a pipeline of the portable subset ($match/$group/$sort/$project/$unwind/$limit/$skip/$count). */
export async function aggregate<R extends Document>(
  services: Services,
  spec: CollectionSpec,
  tenantId: string,
  pipeline: Document[],
): Promise<R[]> {
  for (const stage of pipeline) {
    const op = Object.keys(stage)[0]!;
    if (!PORTABLE_STAGES.has(op))
      throw new Error(`dashboard: ${op} is outside the portable aggregation subset`);
  }
  return scoped(services, spec, tenantId).aggregate<R>(pipeline).toArray();
}

const PORTABLE_STAGES = new Set([
  '$match',
  '$group',
  '$sort',
  '$project',
  '$unwind',
  '$limit',
  '$skip',
  '$count',
]);
