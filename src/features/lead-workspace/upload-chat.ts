/**
 * Roster files in the lead's personal chat: how to send one, and a file sent there (downloaded
 * from Teams, then imported all or nothing), answered with the upload card.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { LeadWorkspaceService } from './lead-workspace-service.js';
import type { UploadOutcome } from './roster-upload.js';
import { downloadTeamsFile, FileDownloadError, type TeamsFile } from './teams-file.js';
import { NOT_A_LEAD_TEXT, str } from './workspace-chat.js';
import type { WorkspaceDeps } from './workspace-context.js';

type Answer = AdaptiveCard | string;

/** Row problems shown on the upload card; the rest are counted. */
const SHOWN_ERRORS = 20;

export class UploadChat {
  constructor(
    private readonly services: Pick<WorkspaceDeps, 'cards' | 'config'>,
    private readonly workspace: LeadWorkspaceService,
  ) {}

  private get cards() {
    return this.services.cards;
  }

  /** "Upload a CSV file": how to send a roster file in this chat. */
  async uploadHelp(tenantId: string, actor: PersonDoc, data: unknown): Promise<Answer> {
    if (!this.workspace.isLead(actor)) return NOT_A_LEAD_TEXT;
    return this.uploadCard(str(data, 'cohortId'), {
      title: 'Upload a roster file',
      ok: false,
      message: 'Add or change many people at once with the same files your administrator uses.',
      errors: [],
      showSteps: true,
    });
  }

  /** Files sent in the personal chat: downloaded from Teams, then imported all or nothing. */
  async uploadFiles(tenantId: string, actor: PersonDoc, files: TeamsFile[]): Promise<Answer> {
    if (!this.workspace.isLead(actor))
      return 'Thanks for the file. Only placement leads can upload roster files, so I have not read it.';
    const texts = [];
    for (const f of files) {
      try {
        texts.push({
          name: f.name,
          text: await downloadTeamsFile(f, { allowLoopback: !this.services.config.MicrosoftAppId }),
        });
      } catch (err) {
        if (!(err instanceof FileDownloadError)) throw err;
        return this.uploadCard('', {
          title: 'Upload a roster file',
          ok: false,
          message: err.message,
          errors: [],
          showSteps: true,
        });
      }
    }
    const outcome: UploadOutcome = await this.workspace.upload(tenantId, actor, texts);
    if (!outcome.ok && outcome.kind === 'forbidden') return outcome.message;
    if (outcome.ok)
      return this.uploadCard('', {
        title: 'Roster uploaded',
        ok: true,
        message: outcome.summary,
        errors: [],
        showSteps: false,
      });
    return this.uploadCard('', {
      title: 'Nothing was uploaded',
      ok: false,
      message: `${texts.map((t) => t.name).join(' and ')} ${outcome.errors.length === 1 ? 'has 1 problem' : `has ${outcome.errors.length} problems`}.`,
      errors: outcome.errors,
      showSteps: false,
    });
  }

  private uploadCard(
    cohortId: string,
    d: { title: string; ok: boolean; message: string; errors: string[]; showSteps: boolean },
  ): AdaptiveCard {
    return this.cards.render('workspace-upload', {
      ...d,
      errors: d.errors.slice(0, SHOWN_ERRORS),
      moreText: d.errors.length > SHOWN_ERRORS ? `and ${d.errors.length - SHOWN_ERRORS} more.` : '',
      backTitle: cohortId ? 'Back to the cohort' : 'My cohorts',
      backVerb: cohortId ? 'workspace.cohort.open' : 'workspace.cohorts',
      cohortId,
    });
  }
}
