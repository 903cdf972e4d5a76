/**
 * Final presentations in people's calendars (issue 29): booking sends each student, supervisor
 * and invited rater one invitation with an "Add to calendar" link; moving it sends one update
 * of the same calendar entry; cancelling sends one cancellation. The .ics is read with ical.js,
 * across the October 2026 clock change (Fri 23 Oct 09:00 BST = 08:00Z; Mon 26 Oct 09:00 GMT = 09:00Z).
 */
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { seedWorld, type World } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:pi-${key}`,
  aadObjectId: `aad-pi-${key}`,
  name,
  email: `${key}.pi@example.nhs.uk`,
});

/** The Action.OpenUrl buttons of a card, as title → url. */
function openUrls(card: unknown): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const r = node as { type?: string; title?: string; url?: string };
    if (r.type === 'Action.OpenUrl' && r.title && r.url) found.set(r.title, r.url);
    Object.values(node).forEach(walk);
  };
  walk(card);
  return found;
}

describe('e2e: the final presentation in people’s calendars', function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const wendy = user('wendy', 'Wendy Marsh');
  const sam = user('sam', 'Sam Okoro');
  const olu = user('olu', 'Olu Adeyemi');
  const priya = user('priya', 'Priya Shah');
  const ben = user('ben', 'Ben Jones');
  const dan = user('dan', 'Dan Brown');
  const start = new Date('2026-10-12T08:00:00Z'); // Mon 12 Oct 2026, 09:00 BST
  let w: World;
  let projectId = '';

  const exec = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a card or a message
    return res.body.value as any;
  };
  /** The presentation messages a person received, as [texts, card]. */
  const invites = (u: TestUser) =>
    e2e
      .sentTo(`a:personal-${u.id}`)
      .map((a) => firstCard(a))
      .filter((c) => c && JSON.stringify(c).includes('presentation'))
      .map((c) => ({ texts: cardTexts(c), card: c }))
      .filter((c) =>
        /^(Final presentation booked|The final presentation has changed|Cancelled: the final presentation)/.test(
          c.texts[0] ?? '',
        ),
      );
  const icsOf = async (card: unknown, title: string) => {
    const url = openUrls(card).get(title);
    assert.ok(url, `the card has "${title}"`);
    const res = await fetch(url.replace(e2e.services.config.PUBLIC_BASE_URL.replace(/\/$/, ''), e2e.baseUrl));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/calendar/);
    const cal = new ICAL.Component(ICAL.parse(await res.text()));
    const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
    return {
      url,
      method: String(cal.getFirstPropertyValue('method')),
      uid: event.uid,
      sequence: event.sequence,
      status: String(event.component.getFirstPropertyValue('status')),
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      summary: event.summary,
      location: event.location,
      meetingUrl: String(event.component.getFirstPropertyValue('url') ?? ''),
    };
  };
  const presentation = (extra: Record<string, unknown> = {}) => ({
    projectId,
    date: '2026-10-23',
    time: '09:00',
    minutes: '45',
    teamsLink: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_falls',
    audienceIds: [olu, wendy].map((u) => w.id(u)).join(','),
    ...extra,
  });
  const drain = () => e2e.services.sender.drain();

  before(async () => {
    e2e.clock.set(start);
    await e2e.start();
    w = await seedWorld(e2e, {
      cohort: {
        name: 'Leadership 2026 cohort 3',
        startDate: '2026-10-05',
        weeks: 6,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
      },
      people: [
        [wendy, ['lead']],
        [sam, ['supervisor']],
        [olu, ['supervisor']],
        [priya, ['student']],
        [ben, ['student']],
        [dan, ['student']],
      ],
      links: [
        [priya, sam],
        [ben, sam],
      ],
      now: start,
    });
    for (const u of [wendy, sam, olu, priya, ben, dan]) await e2e.post(e2e.install(u));
    const card = await exec(wendy, 'project.create', {
      requestId: 'req-pi-falls',
      cohortId: w.cohortId,
      title: 'Falls huddle on Ward 7',
      clinicalTeam: 'Stroke rehabilitation, Ward 7',
      studentIds: [priya, ben].map((u) => w.id(u)).join(','),
      supervisorIds: w.id(sam),
    });
    assert.ok(
      cardTexts(card).some((t) => t.includes('Project created')),
      cardTexts(card).join(' | '),
    );
    projectId = String(await e2e.services.projects.repo.inCohort(TENANT, w.cohortId).then((p) => p[0]!._id));
  });
  after(() => e2e.stop());

  let uid = '';

  it('booking sends one invitation with an .ics to each student, the supervisor and each rater; a repeated save sends nothing new', async () => {
    await exec(sam, 'project.presentation.save', presentation());
    await exec(sam, 'project.presentation.save', presentation()); // a double click
    await drain();
    for (const u of [priya, ben, sam, olu, wendy]) {
      const got = invites(u);
      assert.equal(got.length, 1, `${u.name}: ${got.map((g) => g.texts[0]).join(' / ')}`);
      assert.equal(got[0]!.texts[0], 'Final presentation booked');
      assert.ok(JSON.stringify(got[0]!.card).includes('"Fri 23 Oct 2026, 09:00 (45 minutes)"'));
    }
    assert.equal(invites(dan).length, 0, 'a student on no project hears nothing');
    assert.ok(invites(olu)[0]!.texts.some((t) => t.startsWith('You are invited to give feedback')));
    const ics = await icsOf(invites(priya)[0]!.card, 'Add to calendar');
    assert.equal(ics.method, 'PUBLISH');
    assert.equal(ics.status, 'CONFIRMED');
    assert.equal(ics.sequence, 0);
    assert.equal(ics.start, '2026-10-23T08:00:00.000Z'); // 09:00 BST
    assert.equal(ics.end, '2026-10-23T08:45:00.000Z');
    assert.equal(ics.summary, 'Final presentation: Falls huddle on Ward 7');
    assert.equal(ics.meetingUrl, 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_falls');
    uid = ics.uid;
    assert.ok(uid);
  });

  it('moving it across the clock change sends one update of the same calendar entry', async () => {
    await exec(sam, 'project.presentation.save', presentation({ date: '2026-10-26' }));
    await drain();
    for (const u of [priya, ben, sam, olu, wendy]) {
      const got = invites(u);
      assert.equal(got.length, 2, `${u.name}: ${got.map((g) => g.texts[0]).join(' / ')}`);
      assert.equal(got[1]!.texts[0], 'The final presentation has changed: please check the new details');
      assert.ok(JSON.stringify(got[1]!.card).includes('"Mon 26 Oct 2026, 09:00 (45 minutes)"'));
      assert.ok(
        JSON.stringify(got[1]!.card).includes('"Fri 23 Oct 2026, 09:00 (45 minutes)"'),
        'it says when it was',
      );
    }
    const ics = await icsOf(invites(ben)[1]!.card, 'Add to calendar');
    assert.equal(ics.uid, uid);
    assert.equal(ics.sequence, 1);
    assert.equal(ics.method, 'PUBLISH');
    assert.equal(ics.start, '2026-10-26T09:00:00.000Z'); // 09:00 GMT, after the clocks went back
  });

  it('cancelling sends one cancellation; the link then takes the entry out of the calendar', async () => {
    const form = await exec(sam, 'project.presentation', { projectId });
    assert.ok(openUrls(form).size === 0);
    assert.ok(JSON.stringify(form).includes('project.presentation.cancel'), 'the form offers to cancel');
    const answer = await exec(sam, 'project.presentation.cancel', { projectId });
    assert.ok(
      cardTexts(answer).some((t) => t.startsWith('Presentation cancelled. 5 people were told.')),
      cardTexts(answer).join(' | '),
    );
    const again = await exec(sam, 'project.presentation.cancel', { projectId });
    assert.ok(
      cardTexts(again).some((t) => t === 'No presentation is booked.'),
      cardTexts(again).join(' | '),
    );
    await drain();
    for (const u of [priya, ben, sam, olu, wendy]) {
      const got = invites(u);
      assert.equal(got.length, 3, `${u.name}: ${got.map((g) => g.texts[0]).join(' / ')}`);
      assert.equal(got[2]!.texts[0], 'Cancelled: the final presentation will not take place at this time');
    }
    const ics = await icsOf(invites(olu)[2]!.card, 'Remove from your calendar');
    assert.equal(ics.uid, uid);
    assert.equal(ics.method, 'CANCEL');
    assert.equal(ics.status, 'CANCELLED');
    assert.equal(ics.sequence, 2);
    assert.equal((await e2e.services.projects.repo.project(TENANT, projectId))!.presentation, null);
    const job = await e2e.services.scheduler.get(
      `projects.feedback:${projectId}:${new Date('2026-10-26T09:00:00Z').getTime()}:45m`,
    );
    assert.equal(job?.state, 'cancelled', 'no feedback request after a cancelled presentation');
    // A wrong token opens nothing.
    const bad = ics.url
      .replace(/t=[^&]+/, 't=wrong')
      .replace(e2e.services.config.PUBLIC_BASE_URL.replace(/\/$/, ''), e2e.baseUrl);
    assert.equal((await fetch(bad)).status, 404);
  });

  it('in person: a place instead of a Teams link goes in the invitation and the .ics; neither is refused', async () => {
    const neither = await exec(
      sam,
      'project.presentation.save',
      presentation({ teamsLink: '', place: '  ' }),
    );
    assert.ok(
      cardTexts(neither).includes('Paste the Teams meeting link, or give the place below (or both)'),
      cardTexts(neither).join(' | '),
    );
    assert.equal((await e2e.services.projects.repo.project(TENANT, projectId))!.presentation, null);
    await exec(
      sam,
      'project.presentation.save',
      presentation({ teamsLink: '', place: 'Education Centre, room 4' }),
    );
    await drain();
    const got = invites(priya).at(-1)!;
    assert.equal(got.texts[0], 'Final presentation booked');
    assert.ok(JSON.stringify(got.card).includes('"Education Centre, room 4"'));
    assert.ok(!openUrls(got.card).has('Join on Teams'));
    const ics = await icsOf(got.card, 'Add to calendar');
    assert.equal(ics.uid, uid, 'rebooked: the same calendar entry again');
    assert.equal(ics.location, 'Education Centre, room 4');
    assert.equal(ics.meetingUrl, '');
    assert.equal(ics.status, 'CONFIRMED');
    assert.equal(ics.start, '2026-10-23T08:00:00.000Z');
  });

  it('a rater taken off the booked presentation is told once; the others hear nothing new', async () => {
    const before = (u: TestUser) => e2e.sentTo(`a:personal-${u.id}`).length;
    const counts = new Map([priya, ben, sam, olu, wendy].map((u) => [u, before(u)]));
    const onlyWendy = presentation({
      teamsLink: '',
      place: 'Education Centre, room 4',
      audienceIds: w.id(wendy),
    });
    await exec(sam, 'project.presentation.save', onlyWendy);
    await exec(sam, 'project.presentation.save', onlyWendy); // a double click
    await drain();
    const told = e2e
      .sentTo(`a:personal-${olu.id}`)
      .slice(counts.get(olu))
      .map((a) => cardTexts(firstCard(a)));
    assert.equal(told.length, 1, JSON.stringify(told));
    assert.equal(told[0]![0], 'You are no longer invited to give feedback on this presentation');
    assert.ok(told[0]!.includes('Falls huddle on Ward 7'));
    assert.ok(
      told[0]!.some((t) => /no feedback card will come/.test(t)),
      told[0]!.join(' | '),
    );
    for (const u of [priya, ben, sam, wendy])
      assert.equal(before(u), counts.get(u), `${u.name} hears nothing new: the slot did not change`);
    await exec(sam, 'project.presentation.save', onlyWendy);
    await drain();
    assert.equal(before(olu), counts.get(olu)! + 1, 'told once');
  });

  it('a student may not cancel it', async () => {
    const refused = await exec(priya, 'project.presentation.cancel', { projectId });
    assert.match(String(refused), /could not find that project/);
    assert.ok((await e2e.services.projects.repo.project(TENANT, projectId))!.presentation);
  });
});
