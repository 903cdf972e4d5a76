/**
 * The dashboard's dependencies, given once by the wiring (src/services.ts), and the per-process
 * rollups built on them.
 */
import type { Services } from '../../services.js';
import type {
  DashboardSources,
  ManageWorkspace,
  StudentFollowUps,
  SupervisorCheckinToChat,
  SurveyInsights,
} from './ports.js';
import { DashboardRollups } from './rollups.js';
import type { RollupsRepository } from './rollups-repository.js';

export interface DashboardDeps extends Pick<
  Services,
  'config' | 'clock' | 'logger' | 'people' | 'cohorts' | 'supervisions' | 'audit' | 'scheduler'
> {
  sources: DashboardSources;
  /** Survey figures; null while the surveys feature is not on this service. */
  surveys: SurveyInsights | null;
  followUps: StudentFollowUps;
  /** "Open check-in" on the supervisor's tab: the check-in card sent to their chat with the bot. */
  checkinToChat: SupervisorCheckinToChat;
  workspace: ManageWorkspace;
  rollupStore: RollupsRepository;
}

export class DashboardService {
  readonly rollups: DashboardRollups;

  constructor(readonly deps: DashboardDeps) {
    this.rollups = new DashboardRollups(deps);
  }
}
