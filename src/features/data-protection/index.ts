/**
 * Data protection in chat: `export my data` (a one-time download link to everything stored
 * about the caller) and `delete my data` (a confirmation card, then erasure), both in the
 * personal chat only. The daily retention purge of ended cohorts runs on the scheduler.
 * Admin equivalents: `npm run admin -- export-person <email>` / `erase-person <email>`.
 */
import type { TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import { turnPerson, turnTenantId } from '../../bot/turn-person.js';
import { can } from '../../domain/authorization.js';
import type { Services } from '../../services.js';
import type { Feature } from '../feature.js';
import { DataExportLinks } from './export-links.js';
import { personalDataFacts } from './labels.js';
import { PersonalData } from './personal-data.js';
import { purgeEndedCohorts } from './retention.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const PERSONAL_CHAT_ONLY =
  'For your privacy I only do that in our personal chat. Open a chat with me and ask there.';
export const ERASED_MESSAGE =
  'Done: everything I held about you has been deleted. If you are still on a placement roster, your placement lead can add you again.';
export const ERASE_CANCELLED = 'Nothing was deleted.';

const isPersonal = (context: TurnContext) =>
  (context.activity.conversation?.conversationType ?? 'personal') === 'personal';

export const dataProtectionFeature: Feature = {
  name: 'data-protection',
  registerOnApp(app, services) {
    const personalData = new PersonalData(services.db, services.audit);
    const links = new DataExportLinks(services.db);
    services.commands.add({
      command: 'export my data',
      description: 'A download of everything I hold about you',
      roles: 'any',
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'delete my data',
      description: 'Delete everything I hold about you (asks first)',
      roles: 'any',
      scopes: ['personal'],
    });

    app.message(/^\s*export\s+my\s+data\s*$/i, async (context) => {
      if (!isPersonal(context)) return void (await context.sendActivity(PERSONAL_CHAT_ONLY));
      const person = turnPerson(context);
      const tenantId = turnTenantId(context);
      const now = services.clock.now();
      if (!can(person, 'data.export.self', { personId: person._id })) return;
      const counts = await personalData.summary(tenantId, person);
      const token = await links.create(tenantId, person._id, now);
      await services.audit.record(
        tenantId,
        { actorId: person._id, action: 'data.export', targetId: null },
        now,
      );
      await context.sendActivity({
        attachments: [
          services.cards.attachment('data-export', {
            url: new URL(`/data-export/${token}`, services.config.PUBLIC_BASE_URL).toString(),
            minutes: 15,
            facts: personalDataFacts(counts),
          }),
        ],
      });
    });

    app.message(/^\s*delete\s+my\s+data\s*$/i, async (context) => {
      if (!isPersonal(context)) return void (await context.sendActivity(PERSONAL_CHAT_ONLY));
      const person = turnPerson(context);
      const counts = await personalData.summary(turnTenantId(context), person);
      await context.sendActivity({
        attachments: [
          services.cards.attachment('data-erase-confirm', {
            facts: personalDataFacts(counts),
          }),
        ],
      });
    });

    app.adaptiveCards.actionExecute('data.erase.cancel', async () =>
      services.cards.render('notice', { title: 'Kept', message: ERASE_CANCELLED }),
    );
    app.adaptiveCards.actionExecute('data.erase.confirm', async (context) => {
      if (!isPersonal(context)) return PERSONAL_CHAT_ONLY;
      const person = turnPerson(context);
      const tenantId = turnTenantId(context);
      // The caller erases themselves: the card carries no person id to tamper with.
      if (!can(person, 'data.erase.self', { personId: person._id })) return ERASE_CANCELLED;
      await personalData.erase(tenantId, person, services.clock.now(), { actorId: person._id, via: 'chat' });
      return services.cards.render('notice', {
        title: 'Your data has been deleted',
        message: ERASED_MESSAGE,
      });
    });

    if (services.config.RETENTION_MONTHS > 0) {
      services.scheduler.every('retention.purge', DAY_MS, async ({ now }) => {
        await purgeEndedCohorts(
          { db: services.db, personalData, audit: services.audit, logger: services.logger },
          services.config.RETENTION_MONTHS,
          now,
        );
      });
    }
    services.scheduler.every('data-exports.purge', DAY_MS, async ({ now }) => {
      await links.purgeExpired(now);
    });
  },

  registerHttp(server: Server, services: Services) {
    const personalData = new PersonalData(services.db, services.audit);
    const links = new DataExportLinks(services.db);
    server.get('/data-export/:token', async (req, res) => {
      const now = services.clock.now();
      const owner = await links.redeem((req.params as { token?: unknown }).token, now);
      if (!owner) {
        res.send(404, { error: 'not_found', message: 'This link has expired or was already used.' });
        return;
      }
      const person = await personalData.findPerson(owner.tenantId, { id: owner.personId });
      if (!person) {
        res.send(404, { error: 'not_found', message: 'Nothing is stored about you any more.' });
        return;
      }
      const data = await personalData.export(owner.tenantId, person, now);
      res.header('content-disposition', 'attachment; filename="my-placement-companion-data.json"');
      res.header('cache-control', 'no-store');
      res.send(200, data);
    });
  },
};
