/**
 * The reflections feature, built once from its deps (src/services.ts): guided reflections
 * (Gibbs, What? So what? Now what?, free form) tagged to HCPC standards and the four pillars,
 * sharing with supervisors and fellow students, feedback and replies, "my journey", scheduled
 * prompts, the reflective workshop and the signed-link journey export. Each use case is its
 * own module; this class only puts them together and answers other features (ports.ts).
 */
import { CoachReflection } from './coach-reflection.js';
import { DeleteReflection } from './delete-reflection.js';
import { ExportJourney } from './export-journey.js';
import { GiveFeedback } from './give-feedback.js';
import { JourneySlides } from './journey-slides.js';
import { MyJourney } from './my-journey.js';
import { PeerAudience } from './peer-audience.js';
import { PeerCards } from './peer-cards.js';
import { PeerReplies } from './peer-replies.js';
import type {
  JourneyExportLinks,
  JourneyReader,
  ReflectionPromptOptions,
  ReflectionPrompter,
  SharedReflections,
} from './ports.js';
import { PromptReflection } from './prompt-reflection.js';
import { PromptSchedule } from './prompt-schedule.js';
import { ReflectionAccess } from './reflection-access.js';
import type { ReflectionDeps } from './reflection-deps.js';
import { ReflectiveWorkshop } from './reflective-workshop.js';
import type { ReflectionsRepository } from './reflections-repository.js';
import { ShareJourney } from './share-journey.js';
import { ShareReflection } from './share-reflection.js';
import { ShareWithPeers } from './share-with-peers.js';
import { ViewReflection } from './view-reflection.js';
import { WriteReflection } from './write-reflection.js';

export { DRAFT_NOT_FOUND, NOT_FOUND, type ReflectionDeps } from './reflection-deps.js';

export class ReflectionService
  implements ReflectionPrompter, JourneyReader, SharedReflections, JourneyExportLinks
{
  readonly repo: ReflectionsRepository;
  readonly write: WriteReflection;
  readonly coaching: CoachReflection;
  readonly view: ViewReflection;
  readonly sharing: ShareReflection;
  readonly deleting: DeleteReflection;
  readonly feedback: GiveFeedback;
  readonly peerSharing: ShareWithPeers;
  readonly peerReplies: PeerReplies;
  readonly workshop: ReflectiveWorkshop;
  readonly journey: MyJourney;
  readonly export: ExportJourney;
  /** Read-only, expiring views of a student's journey for a named assessor. */
  readonly shares: ShareJourney;
  /** The presentation starter: a PowerPoint of the journey. */
  readonly slides: JourneySlides;
  readonly prompts: PromptReflection;
  readonly schedule: PromptSchedule;

  constructor(deps: ReflectionDeps) {
    this.repo = deps.repo;
    const audience = new PeerAudience(deps);
    const access = new ReflectionAccess(deps, audience);
    const peerCards = new PeerCards(deps, audience);
    this.view = new ViewReflection(deps, access, audience, peerCards);
    this.write = new WriteReflection(deps, access, this.view);
    this.coaching = new CoachReflection(deps, this.write);
    this.sharing = new ShareReflection(deps, access, this.view);
    this.deleting = new DeleteReflection(deps, access, this.view);
    this.feedback = new GiveFeedback(deps, access, this.view);
    this.peerSharing = new ShareWithPeers(deps, access, audience, this.view);
    this.peerReplies = new PeerReplies(deps, access, audience, peerCards, this.view);
    this.workshop = new ReflectiveWorkshop(deps);
    this.journey = new MyJourney(deps);
    this.export = new ExportJourney(deps, this.journey, () => this.shares);
    this.shares = new ShareJourney(deps, () => this.export);
    this.slides = new JourneySlides(deps);
    this.prompts = new PromptReflection(deps);
    this.schedule = new PromptSchedule(deps, this.prompts);
  }

  promptReflection(tenantId: string, personId: string, options: ReflectionPromptOptions): Promise<boolean> {
    return this.prompts.promptReflection(tenantId, personId, options);
  }

  countsFor(tenantId: string, personId: string) {
    return this.journey.countsFor(tenantId, personId);
  }

  journeyFor(tenantId: string, personId: string) {
    return this.journey.journeyFor(tenantId, personId);
  }

  sharedBy(tenantId: string, studentIds: string[]) {
    return this.repo.sharedBy(tenantId, studentIds);
  }

  exportLinks(tenantId: string, requesterId: string, subjectId: string, now: Date, includeCheckins = false) {
    return this.export.exportLinks(tenantId, requesterId, subjectId, now, includeCheckins);
  }
}
