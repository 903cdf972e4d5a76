import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { confidenceChanges } from '../../../src/features/reflections/assessment-sections.js';
import { createCohortCalendar } from '../../../src/domain/placement-calendar.js';
import { journeySummary } from '../../../src/features/reflections/journey.js';
import {
  orderedReflections,
  renderJourneyCsv,
  renderJourneyHtml,
  type ExportReflection,
  type JourneyExportData,
} from '../../../src/features/reflections/journey-document.js';

const cal = createCohortCalendar({
  startDate: '2025-02-03',
  weeks: 6,
  clinicalDays: ['Mon', 'Tue'],
  leadershipDays: ['Wed', 'Thu', 'Fri'],
  timeZone: 'Europe/London',
});

const reflection = (
  n: number,
  iso: string,
  pillars: string[],
  standards: string[],
  model: ExportReflection['model'] = 'what-so-what',
): ExportReflection => ({
  createdAt: new Date(iso),
  week: null,
  model,
  answers:
    model === 'free'
      ? { text: `UNIQUE-${n} free text` }
      : model === 'gibbs'
        ? {
            description: `UNIQUE-${n} description`,
            feelings: 'f',
            evaluation: 'e',
            analysis: 'a',
            conclusion: 'c',
            actionPlan: 'p',
          }
        : { what: `UNIQUE-${n} what`, soWhat: 'so what', nowWhat: 'now what' },
  pillars,
  standards,
  standardsVersion: 'HCPC-SOP-2023',
  topic: 'qi-project',
  shared: n % 2 === 0,
  feedback:
    n === 2 ? [{ from: 'Dr Sam Okafor', text: 'Feedback <b>bold</b> & more', at: new Date(iso) }] : [],
});

const reflections = [
  reflection(1, '2025-02-04T10:00:00Z', ['clinical', 'leadership'], ['9', '11'], 'gibbs'),
  reflection(2, '2025-02-12T10:00:00Z', ['leadership'], ['9']),
  reflection(3, '2025-02-10T10:00:00Z', ['education'], ['7', '11'], 'free'),
  reflection(4, '2025-02-20T10:00:00Z', ['research', 'clinical'], ['12']),
  {
    ...reflection(5, '2025-02-21T10:00:00Z', ['clinical'], ['1']),
    answers: { what: 'UNIQUE-5 <script>alert(1)</script>', soWhat: '=HYPERLINK("x")', nowWhat: '' },
  },
];
const expectedPillars: Record<string, number[]> = {
  clinical: [1, 4, 5],
  leadership: [1, 2],
  education: [3],
  research: [4],
};
const expectedStandards: Record<string, number[]> = {
  '1': [5],
  '7': [3],
  '9': [1, 2],
  '11': [1, 3],
  '12': [4],
};

const data: JourneyExportData = {
  student: { displayName: 'Priya Shah', profession: 'physiotherapy', cohortName: 'Cohort 2' },
  audience: 'student',
  generatedAt: new Date('2025-03-01T12:00:00Z'),
  timeZone: 'Europe/London',
  reflections,
  summary: journeySummary(reflections, cal, new Date('2025-03-01T12:00:00Z')),
  confidence: [],
  conversations: [{ date: '2025-02-11', with: 'Jo Bloggs', role: 'FTSU guardian' }],
};

/** Which fixture number (UNIQUE-n) each anchor in the HTML holds. */
function anchorsToFixture(html: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const m of html.matchAll(/<article class="reflection" id="(r\d+)"[\s\S]*?<\/article>/g)) {
    const n = /UNIQUE-(\d+)/.exec(m[0]);
    assert.ok(n, `article ${m[1]} has no fixture text`);
    map.set(m[1]!, Number(n[1]));
  }
  return map;
}

function group(html: string, key: string, anchors: Map<string, number>): number[] {
  const m = new RegExp(`<section class="group" data-group="${key}">([\\s\\S]*?)</section>`).exec(html);
  if (!m) return [];
  return [...m[1]!.matchAll(/href="#(r\d+)"/g)].map((x) => anchors.get(x[1]!)!).sort((a, b) => a - b);
}

describe('reflections: learning-journey export content', () => {
  const html = renderJourneyHtml(data);

  it('holds every reflection in full exactly once', () => {
    for (let n = 1; n <= 5; n++) assert.equal(html.split(`UNIQUE-${n} `).length - 1, 1, `reflection ${n}`);
    assert.equal([...html.matchAll(/<article class="reflection"/g)].length, 5);
    const anchors = anchorsToFixture(html);
    assert.equal(new Set(anchors.values()).size, 5);
  });

  it('groups them correctly by pillar and by HCPC standard', () => {
    const anchors = anchorsToFixture(html);
    for (const [pillar, expected] of Object.entries(expectedPillars))
      assert.deepEqual(group(html, `pillar:${pillar}`, anchors), expected, pillar);
    for (const [code, expected] of Object.entries(expectedStandards))
      assert.deepEqual(group(html, `standard:${code}`, anchors), expected, `SOP ${code}`);
    assert.deepEqual(group(html, 'standard:2', anchors), []);
    assert.match(html, /Standards with no evidence yet<\/h3><ul><li>SOP 2: /);
  });

  it('orders reflections chronologically and escapes what people typed', () => {
    assert.deepEqual(
      orderedReflections(data).map((r) => /UNIQUE-(\d+)/.exec(Object.values(r.answers).join(' '))![1]),
      ['1', '3', '2', '4', '5'],
    );
    assert.ok(!html.includes('<script>'));
    assert.ok(html.includes('UNIQUE-5 &lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('Feedback &lt;b&gt;bold&lt;/b&gt; &amp; more'));
  });

  it('is an accessible, printable document: language, one h1, captioned tables, print styles', () => {
    assert.match(html, /^<!doctype html>\n<html lang="en-GB">/);
    assert.equal(html.match(/<h1[ >]/g)!.length, 1);
    assert.match(html, /<nav aria-label="Contents">/);
    assert.match(html, /<caption>Reflections by pillar of practice<\/caption>/);
    assert.match(html, /<th scope="col">/);
    assert.match(html, /@media print/);
    assert.match(html, /No check-ins yet\./);
    assert.match(html, /1 conversation held/);
  });

  it('writes one CSV row per reflection with its tags, and defuses spreadsheet formulas', () => {
    const rows = parse(renderJourneyCsv(data), { bom: true, columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 5);
    const byText = (n: number) =>
      rows.find((r) => Object.values(r).some((v) => v.startsWith(`UNIQUE-${n} `)))!;
    for (let n = 1; n <= 5; n++) assert.ok(byText(n), `row for ${n}`);
    assert.equal(byText(1)['pillars'], 'Clinical practice; Leadership');
    assert.equal(byText(1)['hcpc_standards'], '9; 11');
    assert.equal(byText(4)['pillars'], 'Clinical practice; Research');
    assert.equal(byText(2)['supervisor_feedback'], 'Feedback <b>bold</b> & more');
    assert.equal(byText(5)['what-so-what:soWhat'], `'=HYPERLINK("x")`);
  });

  it('tells a supervisor’s reader that only shared reflections are included, without check-ins', () => {
    const shared = reflections.filter((r) => r.shared);
    const sup = renderJourneyHtml({
      ...data,
      audience: 'supervisor',
      reflections: shared,
      confidence: null,
      conversations: null,
    });
    assert.match(sup, /contains only the reflections Priya Shah chose to share/);
    assert.equal([...sup.matchAll(/<article class="reflection"/g)].length, 2);
    assert.ok(!sup.includes('UNIQUE-1 ') && !sup.includes('UNIQUE-3 '));
    assert.ok(!sup.includes('Jo Bloggs'));
  });

  it('confidence start to end: first and last rating per area, in check-in order', () => {
    assert.deepEqual(
      confidenceChanges([
        { label: 'Week 1', values: { Leadership: 2 } },
        { label: 'Week 2', values: { Leadership: 3, Communication: 4 } },
        { label: 'Week 4', values: { Leadership: 4, Communication: 3 } },
      ]),
      [
        { area: 'Leadership', start: 2, startLabel: 'Week 1', end: 4, endLabel: 'Week 4', change: 2 },
        { area: 'Communication', start: 4, startLabel: 'Week 2', end: 3, endLabel: 'Week 4', change: -1 },
      ],
    );
    assert.deepEqual(confidenceChanges([]), []);
  });
});
