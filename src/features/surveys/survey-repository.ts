/**
 * Survey runs and responses. Every aggregation runs in the database with the portable
 * pipeline subset ($match, $unwind, $group with $sum, $project, $sort, $count): means are
 * $sum of the values divided by the count, never $avg.
 *
 * The layout is shaped by what the local database (FerretDB 1.x) can aggregate: it groups on
 * dotted paths and top-level scalar arrays but cannot $project or $sum a nested field, and it
 * scans the whole collection for any filter other than `{ _id }`. So each response keeps one
 * array of flat strings and a run's figures come from ONE `$unwind` + `$group` pass; a mean is
 * Σ(value × count) / answered over the few grouped rows.
 *
 * A response's `_id` is `<tenant>|sresp|<HMAC(secret, run, person)>`: one per person per run
 * (a second submit replaces the first, by the `{ _id }` fast path), yet an anonymous
 * response stores no person id, name or email.
 */
import type { Db, Document } from 'mongodb';
import { collections } from '../../storage/collections.js';
import type { BaseDoc } from '../../storage/documents.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import { TenantScope } from '../../storage/tenant-scope.js';
import type { SurveyDefinition, SurveyPurpose } from './definitions.js';

export interface SurveyRunDoc extends BaseDoc {
  definitionId: string;
  definitionVersion: number;
  purpose: SurveyPurpose;
  title: string;
  cohortId: string;
  anonymous: boolean;
  opensAt: Date;
  closesAt: Date;
  reminderAt: Date | null;
  createdBy: string;
  /** How many first responses the run has had: gives each new response its release batch. */
  responseSeq?: number;
  /** A lead's own survey: its definition as it was when scheduled (the shipped ones are looked up by id). */
  definition?: SurveyDefinition;
  /** A weekly pulse scheduled once: the first run's id, shared by every week's run. */
  seriesId?: string;
  repeat?: 'weekly';
  /** Set when a lead cancelled the run: no invitations, no answers, no results. */
  cancelledAt?: Date;
  /** Who closed the run early (`closesAt` then moved to that moment) or cancelled it. */
  endedBy?: string;
}

export interface SurveyResponseDoc extends BaseDoc {
  runId: string;
  cohortId: string;
  /** The respondent's profession at submit time: the one filter dimension. */
  profession: string;
  /**
   * Everything the results need, as flat strings one `$unwind` + `$group` can count in a single
   * pass: `#` (the response), `?<q>` (question q answered), `<q>=<key>` (rating value or option
   * chosen), `<q>~<text>` (free text). Ids never contain `=`, `~`, `?` or `#`.
   */
  items: string[];
  /** Named surveys only. Anonymous responses never carry a person id. */
  respondentId?: string;
  /**
   * Which release step the response arrived in (0 for the first 5, 1 for the next 5, …):
   * results of an open run are taken from the first responses in this order. Coarse on
   * purpose, like the day-only times: the order within a step is not kept.
   */
  batch?: number;
}

/** A lead's own survey, kept for the tenant and reusable (`_id` is also the definition's id). */
export interface SurveyTemplateDoc extends BaseDoc {
  definition: SurveyDefinition;
}

/** A cut of a run's responses: the base match plus an optional filter. */
export interface ResponseCut {
  runId: string;
  profession?: string;
  /** Only respondents who gave this answer (distribution key) to this question. */
  answer?: { questionId: string; key: string };
  /** Only these responses (the released ones of an open run). */
  ids?: string[];
}

export interface Tally {
  responses: number;
  /** Question id → how many answered it. */
  answered: Map<string, number>;
  /** `<q>=<key>` → how many chose it. */
  counts: Map<string, number>;
  texts: TextAnswer[];
}
export interface TextAnswer {
  questionId: string;
  text: string;
}

export class SurveyRepository {
  constructor(private readonly db: Db) {}

  runs(tenantId: string) {
    return new TenantScope(this.db.collection<SurveyRunDoc>(collections.surveyRuns.name), tenantId);
  }

  responses(tenantId: string) {
    return new TenantScope(this.db.collection<SurveyResponseDoc>(collections.surveyResponses.name), tenantId);
  }

  templates(tenantId: string) {
    return new TenantScope(this.db.collection<SurveyTemplateDoc>(collections.surveyTemplates.name), tenantId);
  }

  async saveTemplate(doc: SurveyTemplateDoc): Promise<void> {
    await this.templates(doc.tenantId).insertOne(doc);
  }

  templateById(tenantId: string, id: string) {
    return this.templates(tenantId).findOne({ _id: id });
  }

  templatesOf(tenantId: string) {
    return this.templates(tenantId).find({}).sort({ createdAt: -1 }).limit(50).toArray();
  }

  /** Insert-if-absent: false when a run with this id exists (a retried or double-clicked submit). */
  async insertRun(run: SurveyRunDoc): Promise<boolean> {
    try {
      await this.runs(run.tenantId).insertOne(run);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  runById(tenantId: string, runId: string) {
    return this.runs(tenantId).findOne({ _id: runId });
  }

  /**
   * Ends a run that has neither closed nor been cancelled (by `now`): closes it now, or cancels
   * it. False when it had already ended (a second press, or the close time passed).
   */
  async endRun(tenantId: string, runId: string, how: 'close' | 'cancel', actorId: string, now: Date) {
    const set: Document =
      how === 'close'
        ? { closesAt: now, endedBy: actorId, updatedAt: now }
        : { cancelledAt: now, endedBy: actorId, updatedAt: now };
    const res = await this.runs(tenantId).updateOne(
      { _id: runId, cancelledAt: { $exists: false }, closesAt: { $gt: now } },
      { $set: set },
    );
    return res.modifiedCount > 0;
  }

  runsForTenant(tenantId: string) {
    return this.runs(tenantId).find({}).sort({ opensAt: -1 }).toArray();
  }

  runsForCohort(tenantId: string, cohortId: string) {
    return this.runs(tenantId).find({ cohortId }).sort({ opensAt: -1 }).toArray();
  }

  responseById(tenantId: string, responseId: string) {
    return this.responses(tenantId).findOne({ _id: responseId });
  }

  /**
   * Stores or replaces the response with this id. Two racing first submits: one inserts, the
   * other gets a duplicate key and retries as a replace (last write wins).
   */
  async saveResponse(
    tenantId: string,
    responseId: string,
    fields: Omit<SurveyResponseDoc, '_id' | 'tenantId' | 'createdAt' | 'schemaVersion' | 'batch'>,
    createdAt: Date,
    batch?: number,
  ): Promise<'created' | 'replaced'> {
    for (let attempt = 0; ; attempt++) {
      try {
        const unset = fields.respondentId === undefined ? { $unset: { respondentId: '' } } : {};
        const result = await this.responses(tenantId).updateOne(
          { _id: responseId },
          {
            $set: fields,
            $setOnInsert: { createdAt, schemaVersion: 1, ...(batch !== undefined ? { batch } : {}) },
            ...unset,
          } as Document,
          { upsert: true },
        );
        return result.upsertedCount > 0 ? 'created' : 'replaced';
      } catch (err) {
        if (!isDuplicateKeyError(err) || attempt > 0) throw err;
      }
    }
  }

  /** Counts a run's new response and returns its number (1 for the first). */
  async nextResponseNumber(tenantId: string, runId: string): Promise<number> {
    const run = await this.runs(tenantId).findOneAndUpdate(
      { _id: runId },
      { $inc: { responseSeq: 1 } },
      { returnDocument: 'after' },
    );
    return run?.responseSeq ?? 1;
  }

  /**
   * The ids of a run's first `n` responses in arrival order: by release batch (responses from
   * before batches existed come first), then by id, which is stable but says nothing of order.
   */
  async firstResponseIds(tenantId: string, runId: string, n: number): Promise<string[]> {
    if (n <= 0) return [];
    const docs = await this.responses(tenantId)
      .find({ runId }, { projection: { _id: 1, batch: 1 } })
      .sort({ batch: 1, _id: 1 })
      .limit(n)
      .toArray();
    return docs.map((d) => d._id);
  }

  /** Which of these response ids exist (for reminders to non-responders). */
  async existingResponseIds(tenantId: string, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const docs = await this.responses(tenantId)
        .find({ _id: { $in: ids.slice(i, i + 1000) } }, { projection: { _id: 1 } })
        .toArray();
      docs.forEach((d) => found.add(d._id));
    }
    return found;
  }

  // -------------------------------------------------------------------------
  // Aggregations (in the database)
  // -------------------------------------------------------------------------

  private match(cut: ResponseCut): Document {
    const match: Document = { runId: cut.runId };
    if (cut.profession !== undefined) match.profession = cut.profession;
    if (cut.answer) match.items = `${cut.answer.questionId}=${cut.answer.key}`;
    if (cut.ids) match._id = { $in: cut.ids };
    return { $match: match };
  }

  async count(tenantId: string, cut: ResponseCut): Promise<number> {
    const [row] = await this.responses(tenantId)
      .aggregate<{ n: number }>([this.match(cut), { $count: 'n' }])
      .toArray();
    return row?.n ?? 0;
  }

  /**
   * One pass over a cut: how many responses, how many answered each question, the count per
   * (question, key), and the free texts (ordered by question then text, never by arrival).
   */
  async tally(tenantId: string, cut: ResponseCut): Promise<Tally> {
    const rows = await this.responses(tenantId)
      .aggregate<{ _id: string; n: number }>([
        this.match(cut),
        { $unwind: '$items' },
        { $group: { _id: '$items', n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    const tally: Tally = { responses: 0, answered: new Map(), counts: new Map(), texts: [] };
    for (const { _id: item, n } of rows) {
      if (item === '#') tally.responses = n;
      else if (item.startsWith('?')) tally.answered.set(item.slice(1), n);
      else {
        const eq = item.indexOf('=');
        const tilde = item.indexOf('~');
        if (tilde >= 0 && (eq < 0 || tilde < eq)) {
          const questionId = item.slice(0, tilde);
          for (let i = 0; i < n; i++) tally.texts.push({ questionId, text: item.slice(tilde + 1) });
        } else if (eq >= 0) tally.counts.set(item, n);
      }
    }
    return tally;
  }

  /** Distinct professions among a run's respondents, with counts (for the filter choices). */
  async professions(tenantId: string, runId: string): Promise<{ profession: string; count: number }[]> {
    const rows = await this.responses(tenantId)
      .aggregate<{ _id: string; count: number }>([
        { $match: { runId } },
        { $group: { _id: '$profession', count: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    return rows.map((r) => ({ profession: r._id, count: r.count }));
  }
}
