/**
 * The service container handed to every feature: repositories, the two shared engines
 * (scheduler and outbox sender), cards, and each feature's service. Built once in app.ts.
 * Features use each other only through the services listed here.
 */
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { Cards } from './cards/cards.js';
import { CommandRegistry } from './feature-kit/commands.js';
import { Scheduler } from './jobs/scheduler.js';
import type { ConnectorClient } from './proactive/connector-client.js';
import { Outbox } from './proactive/outbox.js';
import { OutboxSender } from './proactive/outbox-sender.js';
import { RateLimiter } from './proactive/rate-limiter.js';
import { TenantSendLeases } from './proactive/tenant-send-lease.js';
import type { Database } from './storage/mongo.js';
import { createRepositories, type SharedRepositories } from './storage/repositories.js';
import { CheckinService } from './features/checkins/checkin-service.js';
import { ReflectionService } from './features/reflections/reflection-service.js';
import { SurveyService } from './features/surveys/survey-service.js';
import { ConversationService } from './features/conversations/conversation-service.js';
import { AnnouncementService } from './features/announcements/announcement-service.js';
import { LeadWorkspaceService } from './features/lead-workspace/lead-workspace-service.js';
import { checkinSettings } from './features/checkins/checkin-schedule.js';
import { RosterImportService } from './features/roster/roster-import.js';
import { ProjectService } from './features/projects/project-service.js';
import { SupervisionService } from './features/supervision/supervision-service.js';
import { checkinProjectUpdate, studentProjectTitles } from './wiring/checkin-project-update.js';
import { EventService } from './features/events/event-service.js';
import { CalendarService } from './features/calendar/calendar-service.js';
import { SupportService } from './features/support/support-service.js';
import { ConcernService } from './features/concerns/concern-service.js';
import { DashboardService } from './features/dashboard/dashboard-service.js';
import { dashboardSources } from './wiring/dashboard-sources.js';
import { manageWorkspace } from './wiring/dashboard-workspace.js';
import { MyPlacementService } from './features/my-placement/my-placement-service.js';
import { DataProtectionService } from './features/data-protection/data-protection-service.js';
import { AzureOpenAIModel } from './coach/azure-openai-model.js';
import { Coach } from './coach/coach.js';

export interface CoreServices {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** For readiness and shutdown (src/http, src/index.ts); features use repositories. */
  database: Database;
  cards: Cards;
  commands: CommandRegistry;
  people: SharedRepositories['people'];
  cohorts: SharedRepositories['cohorts'];
  supervisions: SharedRepositories['supervisions'];
  references: SharedRepositories['references'];
  audit: SharedRepositories['audit'];
  /** "Exactly one of us does this": insert-if-absent claims, shared by every engine. */
  claims: SharedRepositories['claims'];
  outbox: Outbox;
  sender: OutboxSender;
  scheduler: Scheduler;
  /** The bot's own id once known (app id, or the recipient id of the first activity). */
  botId: { value: string | null };
  /** The optional coach on the trust's own model; off unless COACH_ENABLED (src/coach). */
  coach: Coach;
  /** Weekly supervision check-ins, pauses, digests (src/features/checkins). */
  checkins: CheckinService;
  /** Reflections, my journey and the journey export (src/features/reflections). */
  reflections: ReflectionService;
  /** Surveys: runs, responses, privacy-safe results (src/features/surveys). */
  surveys: SurveyService;
  /** 20-minute conversations: slots, race-free booking, reminders, report (src/features/conversations). */
  conversations: ConversationService;
  /** Cohort announcements: compose, schedule, acknowledge, edit, recall (src/features/announcements). */
  announcements: AnnouncementService;
  /** The lead's workspace: cohort set-up, roster changes, AHP hosts, CSV upload (src/features/lead-workspace). */
  workspace: LeadWorkspaceService;
  /** Projects: members, milestones, updates, presentation feedback (src/features/projects). */
  projects: ProjectService;
  /** Supervision sessions, agreed actions, escalation, `my students` (src/features/supervision). */
  supervision: SupervisionService;
  /** Placement events: invites, RSVPs, reminders, attendance, reflection prompts (src/features/events). */
  events: EventService;
  /** "Add to calendar" entries and their .ics links, for events and presentations (src/features/calendar). */
  calendar: CalendarService;
  /** The kind answer to distress: who can help now; counts only (src/features/support). */
  support: SupportService;
  /** Raise a concern, named or anonymous; receivers acknowledge and reply (src/features/concerns). */
  concerns: ConcernService;
  /** The dashboard tabs' API and the per-cohort rollups (src/features/dashboard). */
  dashboard: DashboardService;
  /** `my placement`: a student's week, days, dates, supervisor and lead on one card (src/features/my-placement). */
  myPlacement: MyPlacementService;
  /** A person's export and erasure, retention purges (src/features/data-protection). */
  dataProtection: DataProtectionService;
}

export type Services = CoreServices;

export function createServices(params: {
  config: Config;
  clock: Clock;
  logger: Logger;
  database: Database;
  connector: ConnectorClient;
}): Services {
  const { config, clock, logger, database, connector } = params;
  const db = database.db;
  const repos = createRepositories(db);
  const { people, cohorts, supervisions, references, audit } = repos;
  const cards = new Cards();
  const outbox = new Outbox(db, clock);
  const claims = repos.claims;
  const botId = { value: config.MicrosoftAppId ? `28:${config.MicrosoftAppId}` : null };
  const sender = new OutboxSender(
    {
      claims,
      outbox,
      connector,
      limiter: new RateLimiter(config.SENDER_TENANT_RPS),
      references,
      people,
      logger,
      botId: () => botId.value,
      // One instance at a time sends for a tenant, so its Teams limit holds across instances.
      leases: new TenantSendLeases(db, { leaseMs: config.SENDER_TENANT_LEASE_MS }),
      // Due times are read against the service's clock, as the scheduler's are.
      clock,
    },
    {
      concurrency: config.SENDER_CONCURRENCY,
      maxAttempts: config.SENDER_MAX_ATTEMPTS,
      leaseMs: config.SENDER_LEASE_MS,
      pollMs: 1000,
    },
  );
  const scheduler = new Scheduler(db, clock, logger, {
    pollMs: config.JOBS_POLL_MS,
    leaseMs: config.JOBS_LEASE_MS,
  });
  const projectTitles = studentProjectTitles(() => services.projects);
  // Nothing is built that could send anything unless the coach is switched on.
  const coach = new Coach({
    config,
    model: config.COACH_ENABLED ? new AzureOpenAIModel(config) : null,
    audit,
    clock,
    logger,
  });
  const services: Omit<Services, 'workspace' | 'supervision' | 'dashboard'> = {
    config,
    clock,
    logger,
    database,
    cards,
    commands: new CommandRegistry(),
    people,
    cohorts,
    supervisions,
    references,
    audit,
    claims,
    outbox,
    sender,
    scheduler,
    botId,
    coach,
    checkins: new CheckinService({
      clock,
      cards,
      people,
      cohorts,
      supervisions,
      audit,
      outbox,
      scheduler,
      claims,
      repo: repos.checkins,
      followUps: () => supervision,
      // After the built-in safeguarding alert and late notice.
      savedHooks: [checkinProjectUpdate(() => services.projects)],
      projectTitles: () => projectTitles,
    }),
    reflections: new ReflectionService({
      config,
      clock,
      cards,
      people,
      cohorts,
      supervisions,
      references,
      outbox,
      scheduler,
      audit,
      repo: repos.reflections,
      confidenceTrends: () => services.checkins,
      conversationsHeld: () => services.conversations,
      projectJourneys: () => services.projects,
      eventsAttended: () => services.events,
      projectTeams: () => services.projects,
      coach,
      checkinRecords: () => services.checkins,
      supervisionRecords: () => supervision,
      concernsRaised: () => services.concerns,
    }),
    surveys: new SurveyService({
      repo: repos.surveys,
      checkins: () => services.checkins,
      config,
      clock,
      logger,
      people,
      outbox,
      scheduler,
      cohorts,
      cards,
      audit,
    }),
    conversations: new ConversationService({
      clock,
      config,
      logger,
      cards,
      people,
      cohorts,
      audit,
      conversations: repos.conversations,
      ahpHosts: repos.ahpHosts,
      outbox,
      scheduler,
      reflections: () => services.reflections,
    }),
    announcements: new AnnouncementService({
      clock,
      config,
      cards,
      announcements: repos.announcements,
      people,
      cohorts,
      references,
      audit,
      claims: repos.claims,
      outbox,
      scheduler,
    }),
    projects: new ProjectService({
      projects: repos.projects,
      calendar: () => services.calendar,
      supervisionNotes: () => supervision,
      config,
      clock,
      cards,
      people,
      cohorts,
      supervisions,
      outbox,
      scheduler,
      audit,
    }),
    calendar: new CalendarService({ calendar: repos.calendar, config, clock }),
    events: new EventService({
      events: repos.events,
      claims: repos.claims,
      config,
      clock,
      cards,
      people,
      cohorts,
      supervisions,
      outbox,
      scheduler,
      audit,
      // Lazy: reflections and check-ins are built alongside (no order between the three).
      reflections: () => services.reflections,
      planner: () => services.checkins,
      calendar: () => services.calendar,
    }),
    support: new SupportService({
      config,
      people,
      supervisions,
      hosts: repos.ahpHosts,
      answers: repos.supportAnswers,
    }),
    concerns: new ConcernService({
      clock,
      cards,
      people,
      cohorts,
      supervisions,
      hosts: repos.ahpHosts,
      audit,
      outbox,
      repo: repos.concerns,
    }),
    myPlacement: new MyPlacementService({
      clock,
      cards,
      config,
      people,
      cohorts,
      supervisions,
      // Lazy: check-ins, conversations and events are built alongside.
      pauses: () => services.checkins,
      conversations: () => services.conversations,
      events: () => services.events,
    }),
    dataProtection: new DataProtectionService({
      config,
      logger,
      cards,
      audit,
      people,
      cohorts,
      references,
      personalRecords: repos.personalRecords,
      dataExports: repos.dataExports,
      claims: repos.claims,
      tell: async (address, text) => void (await connector.send(address, { type: 'message', text })),
    }),
  };
  const supervision: SupervisionService = new SupervisionService({
    clock,
    cards,
    people,
    cohorts,
    supervisions,
    audit,
    outbox,
    claims,
    repo: repos.supervision,
    checkins: services.checkins,
    reflections: () => services.reflections,
    projects: () => services.projects,
  });
  const withSupervision = { ...services, supervision };
  const workspace = new LeadWorkspaceService({
    clock,
    config,
    cards,
    people,
    cohorts,
    supervisions,
    audit,
    hosts: repos.ahpHosts,
    checkins: services.checkins,
    checkinSettings,
    roster: new RosterImportService({ people, cohorts, supervisions, directory: repos.ahpHosts, clock }),
    supportCounts: services.support,
  });
  const dashboard = new DashboardService({
    config,
    clock,
    logger,
    people,
    cohorts,
    supervisions,
    audit,
    scheduler,
    sources: dashboardSources({ db, people, exportLinkSecret: config.EXPORT_LINK_SECRET }),
    surveys: services.surveys,
    followUps: supervision,
    checkinToChat: services.checkins.toChat,
    workspace: manageWorkspace(() => workspace),
    rollupStore: repos.rollups,
  });
  return { ...withSupervision, workspace, dashboard };
}
