/**
 * `my placement` for the routes in index.ts: holds the deps given by src/services.ts (shared
 * repositories, and the other features' offers it reads, through ports.ts).
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { myPlacement, type MyPlacementDeps } from './my-placement.js';

export type { MyPlacementDeps } from './my-placement.js';

export class MyPlacementService {
  constructor(private readonly deps: MyPlacementDeps) {}

  /** The student's placement card; for anyone else, one line saying where theirs is. */
  card(tenantId: string, person: PersonDoc, askedDay?: string): Promise<AdaptiveCard | string> {
    return myPlacement(this.deps, tenantId, person, askedDay);
  }
}
