/**
 * Data protection for the person themselves: a one-time download link to everything stored
 * about them (`export my data`), erasure after a confirmation (`delete my data`), the download
 * behind the link, and the daily purges (ended cohorts after RETENTION_MONTHS; expired links).
 * Admin equivalents: `npm run admin -- export-person <email>` / `erase-person <email>`.
 */
import type { AdaptiveCard, Cards } from '../../cards/cards.js';
import type { Config } from '../../config.js';
import { can } from '../../domain/authorization.js';
import type { Logger } from '../../logger.js';
import type { AuditRepository } from '../../storage/audit-repository.js';
import type { Claims } from '../../storage/claims.js';
import type { CohortsRepository } from '../../storage/cohorts-repository.js';
import type { ConversationReferencesRepository } from '../../storage/conversation-references-repository.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';
import type { DataExportsRepository } from './data-exports-repository.js';
import { type ErasureAddress, ErasureRequests } from './erasure-requests.js';
import { DataExportLinks } from './export-links.js';
import { personalDataFacts } from './labels.js';
import { PersonalData, type PersonalDataExport } from './personal-data.js';
import type { PersonalRecordsRepository } from './personal-records-repository.js';
import { purgeEndedCohorts, type PurgeReport } from './retention.js';

export interface DataProtectionDeps {
  config: Pick<Config, 'PUBLIC_BASE_URL'>;
  logger: Logger;
  cards: Cards;
  audit: AuditRepository;
  people: PeopleRepository;
  cohorts: CohortsRepository;
  references: ConversationReferencesRepository;
  personalRecords: PersonalRecordsRepository;
  dataExports: DataExportsRepository;
  claims: Claims;
  /** Sends one message to a conversation without storing it (the "erasure done" message). */
  tell: (address: ErasureAddress, text: string) => Promise<void>;
}

export const ERASED_MESSAGE =
  'Done: everything I held about you has been deleted. If you are still on a placement roster, your placement lead can add you again.';
export const ERASE_CANCELLED = 'Nothing was deleted.';
export const ERASING_MESSAGE =
  'I am deleting everything I hold about you now. I will tell you here when it is done.';

export class DataProtectionService {
  readonly personalData: PersonalData;
  readonly links: DataExportLinks;
  readonly erasures: ErasureRequests;

  constructor(private readonly deps: DataProtectionDeps) {
    this.personalData = new PersonalData(deps);
    this.links = new DataExportLinks(deps);
    this.erasures = new ErasureRequests({ ...deps, personalData: this.personalData });
  }

  /** `export my data`: a one-time link, with what it holds; null when the policy says no. */
  async exportCard(tenantId: string, person: PersonDoc, now: Date): Promise<AdaptiveCard | null> {
    if (!can(person, 'data.export.self', { personId: person._id })) return null;
    const counts = await this.personalData.summary(tenantId, person);
    const token = await this.links.create(tenantId, person._id, now);
    await this.deps.audit.record(
      tenantId,
      { actorId: person._id, action: 'data.export', targetId: null },
      now,
    );
    return this.deps.cards.render('data-export', {
      url: new URL(`/data-export/${token}`, this.deps.config.PUBLIC_BASE_URL).toString(),
      minutes: 15,
      facts: personalDataFacts(counts),
    });
  }

  /** `delete my data`: what would be deleted, and a button to confirm. */
  async eraseConfirmCard(tenantId: string, person: PersonDoc): Promise<AdaptiveCard> {
    const counts = await this.personalData.summary(tenantId, person);
    return this.deps.cards.render('data-erase-confirm', { facts: personalDataFacts(counts) });
  }

  eraseCancelledCard(): AdaptiveCard {
    return this.deps.cards.render('notice', { title: 'Kept', message: ERASE_CANCELLED });
  }

  /**
   * The caller erases themselves (the card carries no person id to tamper with): answered at
   * once, erased after, and told in `address` when done (see erasure-requests.ts).
   */
  async eraseSelf(
    tenantId: string,
    person: PersonDoc,
    now: Date,
    address: ErasureAddress | null,
  ): Promise<AdaptiveCard | string> {
    if (!can(person, 'data.erase.self', { personId: person._id })) return ERASE_CANCELLED;
    await this.erasures.request(tenantId, person, now, address, ERASED_MESSAGE);
    return this.deps.cards.render('notice', { title: 'Deleting your data', message: ERASING_MESSAGE });
  }

  /** The download behind a link: the export once, or why not. */
  async download(
    token: unknown,
    now: Date,
  ): Promise<{ ok: true; data: PersonalDataExport } | { ok: false; message: string }> {
    const owner = await this.links.redeem(token, now);
    if (!owner) return { ok: false, message: 'This link has expired or was already used.' };
    const person = await this.personalData.findPerson(owner.tenantId, { id: owner.personId });
    if (!person) return { ok: false, message: 'Nothing is stored about you any more.' };
    return { ok: true, data: await this.personalData.export(owner.tenantId, person, now) };
  }

  purgeEndedCohorts(months: number, now: Date): Promise<PurgeReport[]> {
    return purgeEndedCohorts({ ...this.deps, personalData: this.personalData }, months, now);
  }

  purgeExpiredLinks(now: Date): Promise<number> {
    return this.links.purgeExpired(now);
  }
}
