/**
 * Data protection and the other features. It reads and erases other features' documents
 * without knowing them: through the collection registry (src/storage/collections.ts, each
 * collection's person fields) and the shared repositories, so it needs no port from any
 * feature. What a new feature owes it is a registry entry, not code here.
 */

/** What data protection needs from other features. */
export type DataProtectionNeeds = Record<string, never>;

/** What it offers: a person's export and erasure (the admin CLI uses the same). */
export type { PersonalDataExport, ErasureReport } from './personal-data.js';
export type { DataProtectionService as DataProtection } from './data-protection-service.js';
