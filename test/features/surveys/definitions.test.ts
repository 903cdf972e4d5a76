import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, ConfigError } from '../../../src/config.js';
import { CONFIDENCE_AREAS, PILLARS } from '../../../src/domain/catalogues.js';
import {
  type AnswerError,
  DefinitionError,
  loadDefinitions,
  parseDefinition,
  validateAnswers,
} from '../../../src/features/surveys/definitions.js';

describe('survey definitions (src/features/surveys/definitions/*.json)', () => {
  const defs = loadDefinitions();

  it('ships the five templates, each valid against the schema', () => {
    assert.deepEqual([...defs.keys()].sort(), [
      'confidence-baseline',
      'confidence-end',
      'conversation-feedback',
      'end-of-placement-evaluation',
      'weekly-pulse',
    ]);
  });

  it('a description that counts its questions counts them right ("Weekly pulse" said three and had four)', () => {
    const words = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    for (const def of defs.values()) {
      const said = new RegExp(`\\b(${words.join('|')}) questions?\\b`, 'i').exec(def.description ?? '');
      if (!said) continue;
      assert.equal(
        words.indexOf(said[1]!.toLowerCase()) + 1,
        def.questions.length,
        `${def.id}: "${def.description}"`,
      );
    }
  });

  it('a description that counts its ratings counts the rating questions right', () => {
    const words = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    let checked = 0;
    for (const def of defs.values()) {
      const said = new RegExp(`\\b(${words.join('|')})(?: \\w+)? ratings?\\b`, 'i').exec(
        def.description ?? '',
      );
      if (!said) continue;
      checked++;
      const ratings = def.questions.filter((q) => q.type === 'rating').length;
      assert.equal(words.indexOf(said[1]!.toLowerCase()) + 1, ratings, `${def.id}: "${def.description}"`);
    }
    assert.ok(checked >= 2, 'the confidence templates count their ratings');
  });

  it('the confidence templates cover the five confidence areas and four pillars with the same measures', () => {
    const expected = [
      ...CONFIDENCE_AREAS.map((a) => `confidence:${a.id}`),
      ...PILLARS.map((p) => `pillar:${p.id}`),
    ];
    for (const id of ['confidence-baseline', 'confidence-end']) {
      const measures = defs
        .get(id)!
        .questions.flatMap((q) => (q.type === 'rating' && q.measure ? [q.measure] : []));
      assert.deepEqual(measures, expected, id);
    }
  });

  it('uses every question type across the templates', () => {
    const types = new Set([...defs.values()].flatMap((d) => d.questions.map((q) => q.type)));
    assert.deepEqual([...types].sort(), ['multiple', 'rating', 'recommend', 'single', 'text']);
  });

  it('refuses a bad definition with the file name and the path of each problem', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pc-defs-'));
    try {
      writeFileSync(
        path.join(dir, 'bad.json'),
        JSON.stringify({
          id: 'bad',
          version: 1,
          purpose: 'pulse',
          title: 'Bad',
          questions: [
            { id: 'a', type: 'rating', text: 'A', measure: 'confidence:juggling' },
            { id: 'a', type: 'single', text: 'B', options: [{ id: 'x', label: 'X' }] },
            { id: 'c', type: 'slider', text: 'C' },
          ],
        }),
      );
      assert.throws(
        () => loadDefinitions(dir),
        (err: Error) => {
          assert.ok(err instanceof DefinitionError);
          assert.match(err.message, /bad\.json/);
          assert.match(err.message, /questions\.0\.measure: unknown measure/);
          assert.match(err.message, /questions\.1\.options/);
          assert.match(err.message, /questions\.2\.type/);
          return true;
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(
      () =>
        parseDefinition(
          {
            id: 'c',
            version: 1,
            purpose: 'confidence-end',
            title: 'C',
            questions: [{ id: 'x', type: 'text', text: 'X' }],
          },
          'c.json',
        ),
      /lacks measures/,
    );
  });

  it('validates answers: card strings, numbers, multi-select lists, blanks, and every error at once', () => {
    const evaluation = defs.get('end-of-placement-evaluation')!;
    const ok = validateAnswers(evaluation, {
      recommend: '0',
      overall: 5,
      'clinical-link': ' 3 ',
      valuable: 'supervision,workshop,supervision',
      format: '',
      keep: '  Keep the expo  ',
    });
    assert.deepEqual(ok, [
      { q: 'recommend', k: ['0'], n: 0 },
      { q: 'overall', k: ['5'], n: 5 },
      { q: 'clinical-link', k: ['3'], n: 3 },
      { q: 'valuable', k: ['supervision', 'workshop'] },
      { q: 'keep', t: 'Keep the expo' },
    ]);
    assert.throws(
      () =>
        validateAnswers(evaluation, {
          recommend: '-1',
          overall: { $gt: 0 },
          bogus: 'x',
          valuable: ['qi-project', 7],
        }),
      (err: AnswerError) => {
        assert.deepEqual(Object.keys(err.errors).sort(), [
          'bogus',
          'clinical-link',
          'overall',
          'recommend',
          'valuable',
        ]);
        assert.match(err.errors.bogus!, /Unknown question id 'bogus'/);
        return true;
      },
    );
  });
});

describe('config: SURVEY_HMAC_SECRET', () => {
  it('has a development default that production refuses', () => {
    assert.ok(loadConfig({}).SURVEY_HMAC_SECRET.length >= 16);
    // Other production-only settings are given so only ours is at stake.
    const prod = {
      NODE_ENV: 'production',
      EXPORT_LINK_SECRET: 'another-real-secret-0123456789abcdef',
      MicrosoftAppId: 'app-id',
      MicrosoftAppPassword: 'app-secret',
      MicrosoftAppTenantId: 'tenant-a',
      PUBLIC_BASE_URL: 'https://placement.example.nhs.uk',
    };
    assert.throws(
      () => loadConfig(prod),
      (err: Error) => err instanceof ConfigError && /SURVEY_HMAC_SECRET/.test(err.message),
    );
    assert.equal(
      loadConfig({ ...prod, SURVEY_HMAC_SECRET: 'a-real-secret-of-32-characters!!' }).SURVEY_HMAC_SECRET,
      'a-real-secret-of-32-characters!!',
    );
    assert.throws(
      () => loadConfig({ SURVEY_HMAC_SECRET: 'short' }),
      /SURVEY_HMAC_SECRET: must be at least 16/,
    );
  });
});
