import assert from 'node:assert/strict';
import {
  CONFIDENCE_AREAS,
  ConfidenceAreaId,
  PILLARS,
  PillarId,
  REFLECTION_TOPICS,
  ReflectionTopicId,
  confidenceAreaLabel,
  labelOf,
  pillarLabel,
  reflectionTopicLabel,
  toChoices,
} from '../../src/domain/catalogues.js';

describe('catalogues', () => {
  it('lists the four pillars of practice', () => {
    assert.deepEqual(
      PILLARS.map((p) => p.id),
      ['clinical', 'leadership', 'education', 'research'],
    );
    assert.equal(pillarLabel('research'), 'Research');
  });

  it('lists the reflection topics', () => {
    assert.deepEqual(
      REFLECTION_TOPICS.map((t) => t.id),
      [
        'qi-project',
        'conversation',
        'workshop',
        'preceptorship-day',
        'careers-expo',
        'senior-ahp-meeting',
        'supervision',
        'other',
      ],
    );
    assert.equal(reflectionTopicLabel('conversation'), '20-minute conversation');
  });

  it('lists the confidence areas the evaluation measures', () => {
    assert.deepEqual(
      CONFIDENCE_AREAS.map((a) => a.id),
      [
        'leadership',
        'time-management',
        'interprofessional-collaboration',
        'professional-behaviours',
        'communication',
      ],
    );
    assert.equal(confidenceAreaLabel('interprofessional-collaboration'), 'Interprofessional collaboration');
  });

  it('has unique ids and non-empty labels in every catalogue', () => {
    for (const list of [PILLARS, REFLECTION_TOPICS, CONFIDENCE_AREAS]) {
      assert.equal(new Set(list.map((e) => e.id)).size, list.length);
      for (const e of list) assert.ok(e.label.trim().length > 0, e.id);
    }
  });

  it('zod enums accept exactly the catalogue ids', () => {
    assert.deepEqual(
      PillarId.options,
      PILLARS.map((p) => p.id),
    );
    assert.deepEqual(
      ReflectionTopicId.options,
      REFLECTION_TOPICS.map((t) => t.id),
    );
    assert.deepEqual(
      ConfidenceAreaId.options,
      CONFIDENCE_AREAS.map((a) => a.id),
    );
    assert.equal(PillarId.parse('education'), 'education');
    for (const bad of ['Clinical', 'management', '', 1, null, { $ne: null }]) {
      assert.equal(PillarId.safeParse(bad).success, false, JSON.stringify(bad));
    }
    assert.equal(ReflectionTopicId.safeParse('qi project').success, false);
    assert.equal(ConfidenceAreaId.safeParse('communication').success, true);
  });

  it('infers literal union types', () => {
    const ok: PillarId = 'clinical';
    // @ts-expect-error: not a pillar
    const bad: PillarId = 'management';
    assert.ok(ok && bad);
  });

  it('looks up labels and builds card choices', () => {
    assert.equal(labelOf(PILLARS, 'leadership'), 'Leadership');
    assert.equal(labelOf(PILLARS, 'nope'), undefined);
    assert.deepEqual(toChoices(PILLARS)[0], { title: 'Clinical practice', value: 'clinical' });
    assert.equal(toChoices(REFLECTION_TOPICS).length, 8);
  });
});
