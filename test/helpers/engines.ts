/** Builds the outbox + sender on a real database against a fake connector, for engine tests. */
import { Claims } from '../../src/storage/claims.js';
import { createLogger } from '../../src/logger.js';
import { HttpConnectorClient } from '../../src/proactive/connector-client.js';
import { Outbox } from '../../src/proactive/outbox.js';
import { OutboxSender, type SenderOptions } from '../../src/proactive/outbox-sender.js';
import { RateLimiter } from '../../src/proactive/rate-limiter.js';
import type { TenantSendLeases } from '../../src/proactive/tenant-send-lease.js';
import { noTokens } from '../../src/proactive/token-provider.js';
import {
  ConversationReferencesRepository,
  personalKey,
} from '../../src/storage/conversation-references-repository.js';
import type { Database } from '../../src/storage/mongo.js';
import { PeopleRepository } from '../../src/storage/people-repository.js';

export function buildSender(
  database: Database,
  options: Partial<SenderOptions> & {
    tenantRps?: number;
    /** Per-tenant send leases (several instances sharing the outbox). */
    leases?: TenantSendLeases;
    connectorTimeoutMs?: number;
  } = {},
) {
  const { tenantRps, leases, connectorTimeoutMs, ...senderOptions } = options;
  const outbox = new Outbox(database.db);
  const references = new ConversationReferencesRepository(database.db);
  const people = new PeopleRepository(database.db);
  const sender = new OutboxSender(
    {
      claims: new Claims(database.db),
      outbox,
      connector: new HttpConnectorClient(noTokens, connectorTimeoutMs ?? 5000),
      limiter: new RateLimiter(tenantRps ?? 50),
      references,
      people,
      logger: createLogger('silent'),
      botId: () => '28:bot',
      leases,
    },
    {
      concurrency: 4,
      maxAttempts: 8,
      leaseMs: 30_000,
      pollMs: 50,
      backoffBaseMs: 20,
      backoffMaxMs: 200,
      ...senderOptions,
    },
  );
  return { outbox, references, people, sender };
}

/** Creates `n` people with personal conversation references pointing at `serviceUrl`. */
export async function seedRecipients(
  database: Database,
  tenantId: string,
  n: number,
  serviceUrl: string,
): Promise<string[]> {
  const people = new PeopleRepository(database.db);
  const references = new ConversationReferencesRepository(database.db);
  const now = new Date();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const email = `person${i}@example.nhs.uk`;
    await people.upsertByEmail(
      tenantId,
      {
        email,
        displayName: `Person ${i}`,
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId: null,
        timeZone: null,
      },
      now,
    );
    const person = (await people.byEmail(tenantId, email))!;
    await references.save(
      tenantId,
      personalKey(person._id),
      'personal',
      person._id,
      {
        serviceUrl,
        conversation: { id: `a:conv-${i}`, conversationType: 'personal', isGroup: false, name: '' },
      },
      now,
    );
    ids.push(person._id);
  }
  return ids;
}
