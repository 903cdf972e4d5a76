/**
 * The repositories every feature shares, built once per process (createServices): some keep
 * short-lived reads in instance state (recent-reads.ts), which only helps if there is one of each.
 * A feature's own repository lives in its folder; it is built here too, once, and handed to
 * that feature by the wiring module (src/services.ts).
 */
import type { Db } from 'mongodb';
import { CheckinsRepository } from '../features/checkins/checkins-repository.js';
import { RollupsRepository } from '../features/dashboard/rollups-repository.js';
import { SupervisionRepository } from '../features/supervision/supervision-repository.js';
import { SurveyRepository } from '../features/surveys/survey-repository.js';
import { EventsRepository } from '../features/events/events-repository.js';
import { CalendarRepository } from '../features/calendar/calendar-repository.js';
import { ProjectsRepository } from '../features/projects/projects-repository.js';
import { ConversationsRepository } from '../features/conversations/conversations-repository.js';
import { AhpHostsRepository } from './ahp-hosts-repository.js';
import { ReflectionsRepository } from '../features/reflections/reflections-repository.js';
import { AnnouncementsRepository } from '../features/announcements/announcements-repository.js';
import { DataExportsRepository } from '../features/data-protection/data-exports-repository.js';
import { PersonalRecordsRepository } from '../features/data-protection/personal-records-repository.js';
import { SupportAnswersRepository } from '../features/support/support-repository.js';
import { ConcernsRepository } from '../features/concerns/concerns-repository.js';
import { AuditRepository } from './audit-repository.js';
import { Claims } from './claims.js';
import { CohortsRepository } from './cohorts-repository.js';
import { ConversationReferencesRepository } from './conversation-references-repository.js';
import { PeopleRepository } from './people-repository.js';
import { SupervisionLinksRepository } from './supervision-links-repository.js';

export interface SharedRepositories {
  people: PeopleRepository;
  cohorts: CohortsRepository;
  supervisions: SupervisionLinksRepository;
  references: ConversationReferencesRepository;
  audit: AuditRepository;
  claims: Claims;
  projects: ProjectsRepository;
  events: EventsRepository;
  /** "Add to calendar" entries for events and presentations. */
  calendar: CalendarRepository;
  /** The AHP directory (hosts of 20-minute conversations). */
  ahpHosts: AhpHostsRepository;
  /** 20-minute conversations: slots, bookings, holds, blocked days. */
  conversations: ConversationsRepository;
  reflections: ReflectionsRepository;
  announcements: AnnouncementsRepository;
  supportAnswers: SupportAnswersRepository;
  /** Concerns raised with the trust's receivers, and the sealed senders of anonymous ones. */
  concerns: ConcernsRepository;
  personalRecords: PersonalRecordsRepository;
  dataExports: DataExportsRepository;
  checkins: CheckinsRepository;
  supervision: SupervisionRepository;
  surveys: SurveyRepository;
  rollups: RollupsRepository;
}

export function createRepositories(db: Db): SharedRepositories {
  return {
    people: new PeopleRepository(db),
    cohorts: new CohortsRepository(db),
    supervisions: new SupervisionLinksRepository(db),
    references: new ConversationReferencesRepository(db),
    audit: new AuditRepository(db),
    claims: new Claims(db),
    projects: new ProjectsRepository(db),
    events: new EventsRepository(db),
    calendar: new CalendarRepository(db),
    ahpHosts: new AhpHostsRepository(db),
    conversations: new ConversationsRepository(db),
    reflections: new ReflectionsRepository(db),
    announcements: new AnnouncementsRepository(db),
    supportAnswers: new SupportAnswersRepository(db),
    concerns: new ConcernsRepository(db),
    personalRecords: new PersonalRecordsRepository(db),
    dataExports: new DataExportsRepository(db),
    checkins: new CheckinsRepository(db),
    supervision: new SupervisionRepository(db),
    surveys: new SurveyRepository(db),
    rollups: new RollupsRepository(db),
  };
}
