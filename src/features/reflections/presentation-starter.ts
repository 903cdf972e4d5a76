/**
 * The presentation starter: a PowerPoint deck of the student's learning journey (pptxgenjs), for
 * them to edit into their final presentation. Slides: title; growth across the four pillars (a
 * chart of reflections per pillar, first and latest week); confidence from the first check-in
 * to the last (a chart); the 3 to 5 reflections the student picked, one a slide; the project and
 * its outcome; what next (their action plans, open agreed actions, standards still without
 * evidence). Built from the export data (already filtered to the student's own), no I/O.
 */
import pptxgenModule from 'pptxgenjs';
import { PILLARS } from '../../domain/catalogues.js';
import { HCPC_SOP_2023 } from '../../domain/hcpc-standards.js';
import { confidenceChanges } from './assessment-sections.js';
import { orderedReflections, reflectionTitle, type JourneyExportData } from './journey-document.js';
import { reflectionModel } from './reflection-models.js';

// The package's types describe CommonJS; under ESM the default import is the class itself.
type PptxCtor = typeof pptxgenModule.default;
const PptxGenJS: PptxCtor =
  (pptxgenModule as unknown as { default?: PptxCtor }).default ?? (pptxgenModule as unknown as PptxCtor);

export const MIN_PICKS = 3;
export const MAX_PICKS = 5;

const BLUE = '005EB8';
const INK = '212B32';
const GREY = '4C6272';
const TITLE = {
  x: 0.5,
  y: 0.3,
  w: 9,
  h: 0.8,
  fontSize: 28,
  bold: true,
  color: BLUE,
  fontFace: 'Arial',
} as const;
const BODY = {
  x: 0.5,
  y: 1.2,
  w: 9,
  h: 4,
  fontSize: 16,
  color: INK,
  fontFace: 'Arial',
  valign: 'top',
} as const;

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`);

/**
 * The deck as a .pptx file. `pickKeys` name the reflections the student chose (3 to 5, by
 * their `key`); they appear in the order they were written.
 */
export async function buildPresentation(
  data: JourneyExportData,
  pickKeys: readonly string[],
): Promise<Buffer> {
  const zone = data.timeZone;
  const all = orderedReflections(data);
  const picks = all.filter((r) => r.key !== undefined && pickKeys.includes(r.key));
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_16x9';
  pptx.author = data.student.displayName;
  pptx.title = `Learning journey: ${data.student.displayName}`;

  // 1. Title
  const title = pptx.addSlide();
  title.background = { color: BLUE };
  title.addText('My placement learning journey', {
    x: 0.6,
    y: 1.6,
    w: 8.8,
    h: 1,
    fontSize: 36,
    bold: true,
    color: 'FFFFFF',
    fontFace: 'Arial',
  });
  title.addText(
    [
      data.student.displayName,
      [data.student.profession, data.student.cohortName].filter(Boolean).join(' · '),
    ].join('\n'),
    { x: 0.6, y: 2.7, w: 8.8, h: 1.2, fontSize: 20, color: 'FFFFFF', fontFace: 'Arial' },
  );

  // 2. Growth across the four pillars
  const pillars = pptx.addSlide();
  pillars.addText('Growth across the four pillars', TITLE);
  const counts = PILLARS.map((p) => all.filter((r) => r.pillars.includes(p.id)));
  pillars.addChart(
    pptx.ChartType.bar,
    [{ name: 'Reflections', labels: PILLARS.map((p) => p.label), values: counts.map((c) => c.length) }],
    {
      x: 0.5,
      y: 1.2,
      w: 5,
      h: 3.9,
      barDir: 'col',
      chartColors: [BLUE],
      showValue: true,
      valAxisMinVal: 0,
      showLegend: false,
    },
  );
  pillars.addText(
    PILLARS.map((p, i) => {
      const weeks = counts[i]!.map((r) => r.week).filter((w): w is number => w !== null);
      const span = weeks.length ? `, weeks ${Math.min(...weeks)} to ${Math.max(...weeks)}` : '';
      return {
        text: `${p.label}: ${counts[i]!.length} reflection${counts[i]!.length === 1 ? '' : 's'}${span}`,
        options: { bullet: true, breakLine: true },
      };
    }),
    { ...BODY, x: 5.7, w: 3.9, fontSize: 14 },
  );

  // 3. Confidence: start to end
  const confidence = pptx.addSlide();
  confidence.addText('Confidence: start to end', TITLE);
  const changes = confidenceChanges(data.confidence ?? []);
  if ((data.confidence?.length ?? 0) >= 2 && changes.length > 0) {
    confidence.addChart(
      pptx.ChartType.bar,
      [
        {
          name: `Start (${changes[0]!.startLabel})`,
          labels: changes.map((c) => c.area),
          values: changes.map((c) => c.start),
        },
        {
          name: `End (${changes[0]!.endLabel})`,
          labels: changes.map((c) => c.area),
          values: changes.map((c) => c.end),
        },
      ],
      {
        x: 0.5,
        y: 1.2,
        w: 9,
        h: 4,
        barDir: 'bar',
        chartColors: ['AEB7BD', BLUE],
        valAxisMinVal: 0,
        valAxisMaxVal: 5,
        showLegend: true,
        legendPos: 'b',
        showValue: true,
      },
    );
  } else confidence.addText('Fewer than two check-ins with confidence ratings so far.', BODY);

  // 4. The reflections the student picked
  picks.forEach((r, i) => {
    const slide = pptx.addSlide();
    slide.addText(`Reflection ${i + 1}: ${reflectionTitle(r, zone)}`, { ...TITLE, fontSize: 24 });
    const model = reflectionModel(r.model);
    const parts = model.steps
      .filter((s) => (r.answers[s.key] ?? '').trim() !== '')
      .slice(0, 3)
      .map((s) => ({
        text: `${model.steps.length > 1 ? `${s.title}: ` : ''}${clip(r.answers[s.key]!.replace(/\s+/g, ' '), 260)}`,
        options: { breakLine: true, paraSpaceAfter: 8 },
      }));
    slide.addText(parts, { ...BODY, h: 3.5, fontSize: 15 });
    slide.addText(
      `HCPC standards: ${r.standards.join(', ') || 'none'} · ${r.week === null ? '' : `Week ${r.week}`}`,
      { x: 0.5, y: 4.9, w: 9, h: 0.4, fontSize: 12, color: GREY, fontFace: 'Arial' },
    );
  });

  // 5. The project and its outcome
  const project = pptx.addSlide();
  project.addText('My project', TITLE);
  const p = data.project;
  if (!p || p === 'none') project.addText('I was not on a project team.', BODY);
  else {
    const average = p.feedback.length
      ? (p.feedback.reduce((a, f) => a + f.rating, 0) / p.feedback.length).toFixed(1)
      : null;
    project.addText(
      [
        { text: p.title, options: { bold: true, breakLine: true, fontSize: 20 } },
        { text: `For ${p.clinicalTeam}`, options: { breakLine: true } },
        {
          text: `Milestones: ${p.milestones.map((m) => m.title).join('; ') || 'none recorded'}`,
          options: { breakLine: true },
        },
        {
          text: average
            ? `Presentation feedback: ${p.feedback.length}, average ${average} of 5`
            : 'Presentation feedback: none yet',
          options: { breakLine: true },
        },
        { text: 'Outcome: (add what changed for patients or the team)', options: { color: GREY } },
      ],
      BODY,
    );
  }

  // 6. What next
  const next = pptx.addSlide();
  next.addText('What next', TITLE);
  const plans = picks
    .map((r) => r.answers['actionPlan'] ?? r.answers['nowWhat'] ?? '')
    .filter((t) => t.trim() !== '')
    .map((t) => clip(t.replace(/\s+/g, ' '), 160));
  const actions = (data.supervision?.actions ?? [])
    .filter((a) => a.status !== 'done' && a.owner === 'student')
    .map((a) => a.text);
  const gaps = (data.summary.standardsWithoutEvidence ?? [])
    .slice(0, 4)
    .map((c) => `SOP ${c}: ${HCPC_SOP_2023.standards.find((s) => s.code === c)?.title ?? ''}`);
  const lines = [
    ...plans.map((t) => `From my reflections: ${t}`),
    ...actions.map((t) => `Agreed in supervision: ${t}`),
    ...gaps.map((t) => `Evidence still to build: ${t}`),
  ];
  next.addText(
    (lines.length ? lines : ['(add your next steps)'])
      .slice(0, 7)
      .map((t) => ({ text: t, options: { bullet: true, breakLine: true } })),
    { ...BODY, fontSize: 15 },
  );

  const out = await pptx.write({ outputType: 'nodebuffer' });
  return out as Buffer;
}
