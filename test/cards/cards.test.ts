import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../tools/lib/app-package.js';
import {
  checkCard,
  checkCardFile,
  checkCardsDir,
  formatFailures,
  listCardTemplates,
  MAX_CARD_BYTES,
} from '../../tools/lib/card-check.js';

const CARDS_DIR = path.join(REPO_ROOT, 'cards');
const readTemplate = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8'));

describe('Adaptive Card templates (cards/)', () => {
  const names = listCardTemplates(CARDS_DIR);

  it('has card templates to check, and no sample without a template', () => {
    assert.ok(names.includes('welcome') && names.includes('error'), `found: ${names.join(', ')}`);
    const orphans = readdirSync(CARDS_DIR)
      .filter((f) => f.endsWith('.sample.json'))
      .filter((f) => !names.includes(f.slice(0, -'.sample.json'.length)));
    assert.deepEqual(orphans, []);
  });

  for (const name of names) {
    it(`${name}.json expands with ${name}.sample.json and passes every card rule`, () => {
      const result = checkCardFile(CARDS_DIR, name);
      assert.deepEqual(result.errors, [], formatFailures([result]));
      assert.ok(result.bytes! <= MAX_CARD_BYTES);
    });
  }

  it('welcome card binds the name and one fact per command', () => {
    const { card } = checkCardFile(CARDS_DIR, 'welcome');
    const body = card!['body'] as Array<Record<string, unknown>>;
    assert.equal(body[0]!['text'], 'Welcome, Priya');
    const facts = body.find((e) => e['type'] === 'FactSet')!['facts'] as Array<{ title: string }>;
    assert.deepEqual(
      facts.map((f) => f.title),
      ['check in', 'reflect', 'book a conversation', 'my journey', 'export my data'],
    );
    const [action] = card!['actions'] as Array<Record<string, unknown>>;
    assert.deepEqual([action!['type'], action!['verb']], ['Action.Execute', 'help.show']);
  });

  it('error card drops the retry action and the reference when the data has none', () => {
    const { errors, card } = checkCard(readTemplate('error'), {
      title: 'Something went wrong',
      message: 'Please try again in a minute.',
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      (card!['actions'] as Array<{ verb: string }>).map((a) => a.verb),
      ['help.show'],
    );
    assert.equal((card!['body'] as unknown[]).length, 2);
  });
});

describe('card harness (tools/lib/card-check.ts)', () => {
  let dir: string;
  const write = (file: string, value: unknown) =>
    writeFileSync(path.join(dir, file), typeof value === 'string' ? value : JSON.stringify(value));
  const good = {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'Hello ${name}', wrap: true },
      { type: 'Input.Text', id: 'note', label: 'Note' },
    ],
    actions: [{ type: 'Action.Execute', title: 'Save', verb: 'note.save' }],
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pc-cards-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes a well-formed card', () => {
    write('good.json', good);
    write('good.sample.json', { name: 'Sam' });
    assert.deepEqual(
      checkCardsDir(dir).map((r) => [r.name, r.errors]),
      [['good', []]],
    );
  });

  it('reports each broken rule in a deliberately broken template', () => {
    write('broken.json', {
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        { type: 'TextBlock', text: '${missing.value}' },
        { type: 'Input.Text', id: 'unlabelled' },
        { type: 'Input.ChoiceSet', id: 'blank', label: ' ', choices: [{ title: 'A', value: 'a' }] },
        { type: 'Carousel3000', id: 'mystery' },
        { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Old style' }] },
      ],
      actions: [{ type: 'Action.Execute', title: 'No verb' }],
    });
    write('broken.sample.json', {});
    const [result] = checkCardsDir(dir);
    const report = result!.errors.join('\n');
    for (const expected of [
      /template version must be "1\.5", is "1\.4"/,
      /unbound template expressions.*\$\{missing\.value\}/,
      /Input\.Text "unlabelled" at \/body\/1 has no label/,
      /Input\.ChoiceSet "blank" at \/body\/2 has no label/,
      /UnknownElementType.*Carousel3000/,
      /Action\.Submit at \/body\/4\/actions\/0: use Action\.Execute/,
      /Action\.Execute at \/actions\/0 has no verb/,
    ]) {
      assert.match(report, expected);
    }
  });

  it('reports markdown syntax in an input label (labels are plain text)', () => {
    const { errors } = checkCard(
      {
        ...good,
        body: [{ type: 'Input.Text', id: 'body', label: 'Message (**bold**, _italic_, [links](https://…))' }],
      },
      {},
    );
    assert.ok(
      errors.some((e) => /Input\.Text "body" at \/body\/0: the label shows markdown syntax/.test(e)),
      errors.join('\n'),
    );
    assert.deepEqual(
      checkCard({ ...good, body: [{ type: 'Input.Text', id: 'b', label: 'Link (optional, https://)' }] }, {})
        .errors,
      [],
    );
  });

  it('reports a drop-down with nothing chosen and no placeholder (it opens blank)', () => {
    const choices = [{ title: 'Priya Shah', value: 'p1' }];
    const dropDown = (extra: object) => ({
      ...good,
      body: [{ type: 'Input.ChoiceSet', id: 'studentId', label: 'Student', value: '', choices, ...extra }],
    });
    assert.ok(
      checkCard(dropDown({}), {}).errors.some((e) =>
        /"studentId" at \/body\/0: a drop-down with nothing chosen needs a placeholder/.test(e),
      ),
    );
    assert.deepEqual(checkCard(dropDown({ placeholder: 'Choose a student' }), {}).errors, []);
    assert.deepEqual(checkCard(dropDown({ value: 'p1' }), {}).errors, []);
    assert.deepEqual(checkCard(dropDown({ style: 'expanded' }), {}).errors, []);
  });

  it('reports ISO dates in shown text (texts, facts, choice titles), not in input values or action data', () => {
    const { errors } = checkCard(
      {
        ...good,
        body: [
          { type: 'TextBlock', text: 'Blocked: ${date}', wrap: true },
          { type: 'FactSet', facts: [{ title: 'Due', value: '2025-02-11T09:00:00Z' }] },
          {
            type: 'Input.ChoiceSet',
            id: 'c',
            label: 'Cohort',
            value: 'a',
            choices: [{ title: 'Cohort 2 (starts 2025-02-03)', value: 'a' }],
          },
          { type: 'Input.Date', id: 'd', label: 'Day', value: '2025-02-11' },
        ],
        actions: [{ type: 'Action.Execute', title: 'Unblock', verb: 'x.y', data: { date: '2025-02-11' } }],
      },
      { date: '2025-11-03' },
    );
    const iso = errors.filter((e) => /ISO date/.test(e));
    assert.equal(iso.length, 3, errors.join('\n'));
    assert.match(iso.join('\n'), /TextBlock at \/body\/0: text shows an ISO date \(2025-11-03\)/);
    assert.match(iso.join('\n'), /value shows an ISO date \(2025-02-11T09:00:00Z\)/);
    assert.match(iso.join('\n'), /title shows an ISO date \(2025-02-03\)/);
  });

  it('reports an Input.Number whose value is a string (clients render it empty)', () => {
    const numberCard = {
      ...good,
      body: [{ type: 'Input.Number', id: 'cap', label: 'Cap', min: 1, max: 20, value: '${cap}' }],
    };
    const { errors } = checkCard(numberCard, { cap: '5' });
    assert.ok(
      errors.some((e) => /Input\.Number "cap" at \/body\/0: value must be a number, is "5"/.test(e)),
      errors.join('\n'),
    );
    assert.deepEqual(checkCard(numberCard, { cap: 5 }).errors, []);
  });

  it('reports adaptivecards validation failures such as duplicate ids', () => {
    const { errors } = checkCard(
      {
        ...good,
        body: [
          { type: 'Input.Text', id: 'same', label: 'One' },
          { type: 'Input.Text', id: 'same', label: 'Two' },
        ],
      },
      {},
    );
    assert.ok(
      errors.some((e) => /DuplicateId/.test(e)),
      errors.join('\n'),
    );
  });

  it('reports a card over 80 KB', () => {
    const { errors } = checkCard(good, { name: 'x'.repeat(MAX_CARD_BYTES) });
    assert.ok(
      errors.some((e) => /limit is 81920/.test(e)),
      errors.join('\n'),
    );
  });

  it('reports a missing sample file and malformed JSON', () => {
    write('lonely.json', good);
    write('typo.json', '{ "type": "AdaptiveCard", ');
    write('typo.sample.json', {});
    const results = checkCardsDir(dir);
    assert.deepEqual(
      results.map((r) => r.name),
      ['lonely', 'typo'],
    );
    assert.match(results[0]!.errors.join(), /missing sample data lonely\.sample\.json/);
    assert.match(results[1]!.errors.join(), /typo\.json: /);
    assert.match(formatFailures(results), /^lonely:\n {2}- missing sample/);
  });
});
