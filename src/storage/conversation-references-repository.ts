/**
 * Conversation references: what we need to message a person (personal chat) or a channel
 * later, proactively. Saved on install and on every message from a known person (written only
 * when it changed).
 */
import { LRUCache } from 'lru-cache';
import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { tenantDocId, type BaseDoc } from './documents.js';
import { TenantScope } from './tenant-scope.js';

export type ConversationKind = 'personal' | 'channel' | 'groupChat';

/**
 * Where a conversation can be reached later: the fields of a Bot Framework conversation
 * reference this project stores (declared here so storage needs no platform package).
 */
export interface ConversationAddress {
  bot?: { id: string; name?: string };
  channelId?: string;
  serviceUrl?: string;
  locale?: string;
  conversation?: {
    id: string;
    conversationType?: string;
    isGroup?: boolean;
    tenantId?: string;
    name?: string;
  };
  user?: { id: string; name?: string; aadObjectId?: string };
  activityId?: string;
}

export interface ConversationReferenceDoc extends BaseDoc {
  /** `personal:<personId>` or `channel:<channelId>` or `group:<conversationId>`. */
  key: string;
  kind: ConversationKind;
  personId: string | null;
  reference: ConversationAddress;
}

export const personalKey = (personId: string) => `personal:${personId}`;
export const channelKey = (channelId: string) => `channel:${channelId}`;

export class ConversationReferencesRepository {
  /**
   * What this process last found stored or wrote, by `_id` (canonical JSON): a turn whose
   * reference matches reads nothing. Entries expire, so a reference another instance rewrote
   * (or an erasure removed) is compared with the database again within minutes.
   */
  private readonly lastSaved = new LRUCache<string, string>({ max: 50_000, ttl: 10 * 60_000 });

  constructor(private readonly db: Db) {}

  scope(tenantId: string) {
    return new TenantScope(
      this.db.collection<ConversationReferenceDoc>(collections.conversationReferences.name),
      tenantId,
    );
  }

  async save(
    tenantId: string,
    key: string,
    kind: ConversationKind,
    personId: string | null,
    reference: ConversationAddress,
    now: Date,
  ) {
    const _id = tenantDocId(tenantId, key);
    const stored = stripUndefined(reference);
    const wanted = canonical({ key, kind, personId, reference: stored });
    // Every turn of a known person saves its reference, and it is nearly always the one saved
    // last time: no database call then, or a read by `_id` when this process has not seen it.
    if (this.lastSaved.get(_id) === wanted) return;
    const current = await this.scope(tenantId).findOne({ _id });
    if (
      current &&
      canonical({
        key: current.key,
        kind: current.kind,
        personId: current.personId,
        reference: current.reference,
      }) === wanted
    ) {
      this.lastSaved.set(_id, wanted);
      return;
    }
    // An upsert race (two first-contact turns at once) is retried by TenantScope.
    await this.scope(tenantId).updateOne(
      { _id },
      {
        $set: { key, kind, personId, reference: stored, updatedAt: now },
        $setOnInsert: { schemaVersion: 1, createdAt: now },
      },
      { upsert: true },
    );
    this.lastSaved.set(_id, wanted);
  }

  /** The person's own (personal chat) conversation references. */
  personalOf(tenantId: string, personId: string) {
    return this.scope(tenantId).find({ personId, kind: 'personal' }).toArray();
  }

  async get(tenantId: string, key: string) {
    return this.scope(tenantId).findOne({ _id: tenantDocId(tenantId, key) });
  }

  /**
   * The key of a channel a proactive post can reach, or null. A cohort's channel link has one
   * source of truth (`cohort.teamsChannelId`, from `link cohort` or the roster's
   * `teams_channel_id`); a link from a roster import has no stored reference yet, so one is
   * made from the cohort's (or the current turn's) Bot Connector address.
   */
  async ensureChannel(
    tenantId: string,
    channelId: string,
    address: { serviceUrl?: string | null; bot?: { id: string; name?: string } | null },
    now: Date,
  ): Promise<string | null> {
    const key = channelKey(channelId);
    if (await this.get(tenantId, key)) return key;
    if (!address.serviceUrl) return null;
    await this.save(
      tenantId,
      key,
      'channel',
      null,
      {
        ...(address.bot ? { bot: { id: address.bot.id, name: address.bot.name ?? '' } } : {}),
        channelId: 'msteams',
        serviceUrl: address.serviceUrl,
        conversation: { id: channelId, conversationType: 'channel', isGroup: true, tenantId, name: '' },
      },
      now,
    );
    return key;
  }
}

function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** JSON with object keys sorted, so two equal references compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
