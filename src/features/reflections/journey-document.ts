/**
 * The learning-journey export: a printable, accessible HTML document and a CSV, built from
 * data the service has already loaded and authorised. Pure: no I/O.
 *
 * The HTML shows every reflection in full exactly once (chronological, each with an anchor),
 * preceded by an evidence map that groups them by pillar and by HCPC standard (a reflection
 * tagged with two pillars is listed under both, linking to its one full copy), then the
 * assessment evidence (assessment-sections.ts). The CSV has one row per reflection with its tags
 * and answers, then one row per piece of evidence (`record` says which).
 */
import { stringify } from 'csv-stringify/sync';
import { PILLARS, labelOf, REFLECTION_TOPICS } from '../../domain/catalogues.js';
import { HCPC_SOP_2023 } from '../../domain/hcpc-standards.js';
import { formatDate, localDateOf } from '../../domain/placement-calendar.js';
import { spreadsheetSafe } from '../../domain/spreadsheet-cell.js';
import {
  assessmentCsvRows,
  checkinsSection,
  confidenceChangeSection,
  supervisionSection,
  type ExportCheckinRecord,
  type ExportSupervisionRecord,
} from './assessment-sections.js';
import { sortPillars, type JourneySummary } from './journey.js';
import type { ConfidencePoint, ExportProject } from './ports.js';
import { REFLECTION_MODELS, reflectionModel, type ReflectionModelId } from './reflection-models.js';

export type { ConfidencePoint, ExportProject };

export interface ExportReflection {
  /** A short digest of the reflection's id (the presentation starter's picks); never shown. */
  key?: string;
  createdAt: Date;
  week: number | null;
  model: ReflectionModelId;
  answers: Record<string, string>;
  pillars: string[];
  standards: string[];
  standardsVersion: string;
  topic: string;
  shared: boolean;
  /** Whom the student shared it with: 'supervisors', 'project team', 'cohort' (empty: private). */
  sharedWith?: string[];
  feedback: { from: string; text: string; at: Date }[];
}

export interface JourneyExportData {
  student: { displayName: string; profession: string; cohortName: string | null };
  /** 'assessor': a read-only view the student shared with a named assessor. */
  audience: 'student' | 'supervisor' | 'assessor';
  /** The assessor's name (or email) on an assessor's view. */
  assessor?: string;
  generatedAt: Date;
  timeZone: string;
  reflections: ExportReflection[];
  summary: JourneySummary;
  /** null: not included (a supervisor's export); [] : none yet. */
  confidence: ConfidencePoint[] | null;
  conversations: { date: string; with: string; role: string }[] | null;
  /** undefined/null: not included (a supervisor's export, or no projects feature); else the project or 'none'. */
  project?: ExportProject | 'none' | null;
  /** Placement events attended; null: not included (a supervisor's export). Optional for older callers. */
  events?: { date: string; title: string; kind: string }[] | null;
  /** Check-ins with supervisor comments and countersignatures; null/absent: not included. */
  checkins?: ExportCheckinRecord[] | null;
  /** Supervision sessions and agreed actions; null/absent: not included. */
  supervision?: ExportSupervisionRecord | null;
  /** Concerns the student raised with their name (the student's own export only); null/absent: none shown. */
  concerns?: { date: string; topic: string; outcome: string }[] | null;
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const paragraphs = (s: string): string =>
  s
    .split(/\n{2,}/)
    .map((p) => `<p>${esc(p).replace(/\n/g, '<br>')}</p>`)
    .join('');

const topicLabel = (id: string) => labelOf(REFLECTION_TOPICS, id) ?? id;
const pillarLabel = (id: string) => labelOf(PILLARS, id) ?? id;
const standardLabel = (code: string) => {
  const s = HCPC_SOP_2023.standards.find((x) => x.code === code);
  return s ? `SOP ${code}: ${s.title}` : `SOP ${code}`;
};

/** 'supervisors, project team', or 'nobody (private)'. */
export function sharedWithText(r: Pick<ExportReflection, 'shared' | 'sharedWith'>): string {
  const groups = r.sharedWith ?? (r.shared ? ['supervisors'] : []);
  return groups.length ? groups.join(', ') : 'nobody (private)';
}

/** Reflections in export order (oldest first), each with its anchor ('r1', 'r2', ...). */
export function orderedReflections(data: JourneyExportData): (ExportReflection & { anchor: string })[] {
  return [...data.reflections]
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map((r, i) => ({ ...r, anchor: `r${i + 1}` }));
}

export function reflectionTitle(r: ExportReflection, zone: string): string {
  return `${topicLabel(r.topic)}, ${formatDate(localDateOf(r.createdAt, zone))}`;
}

const STYLE = `
  :root { color-scheme: light; }
  body { font: 11pt/1.5 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1b1b1b; margin: 0; }
  main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
  h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
  h2 { font-size: 1.35rem; margin: 2.25rem 0 .75rem; border-bottom: 2px solid #005eb8; padding-bottom: .2rem; }
  h3 { font-size: 1.1rem; margin: 1.5rem 0 .4rem; }
  h4 { font-size: 1rem; margin: 1rem 0 .2rem; }
  a { color: #005eb8; }
  a:focus { outline: 3px solid #ffb81c; outline-offset: 1px; }
  .meta { color: #425563; }
  .note { background: #eef7ff; border-left: 4px solid #005eb8; padding: .5rem .75rem; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
  caption { text-align: left; font-weight: 600; padding: .25rem 0; }
  th, td { border: 1px solid #aeb7bd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
  th { background: #f0f4f5; }
  td.num, th.num { text-align: right; }
  article.reflection { border-top: 1px solid #d8dde0; padding-top: .5rem; margin-top: 1.5rem; }
  blockquote { margin: .5rem 0; padding: .25rem .75rem; border-left: 4px solid #768692; }
  @media print {
    body { font-size: 10.5pt; }
    main { max-width: none; padding: 0; }
    nav, .no-print { display: none; }
    a { color: inherit; text-decoration: none; }
    h2 { break-after: avoid; }
    article.reflection, table { break-inside: avoid; }
  }
`;

export function renderJourneyHtml(data: JourneyExportData): string {
  const zone = data.timeZone;
  const reflections = orderedReflections(data);
  const name = esc(data.student.displayName);
  const s = data.summary;
  const linkList = (items: typeof reflections) =>
    items.length === 0
      ? '<p>None yet.</p>'
      : `<ul>${items.map((r) => `<li><a href="#${r.anchor}">${esc(reflectionTitle(r, zone))}</a></li>`).join('')}</ul>`;

  const byPillar = PILLARS.map((p) => {
    const items = reflections.filter((r) => r.pillars.includes(p.id));
    return `<section class="group" data-group="pillar:${p.id}"><h3>${esc(p.label)} (${items.length})</h3>${linkList(items)}</section>`;
  }).join('');

  const byStandard = HCPC_SOP_2023.standards
    .map((st) => {
      const items = reflections.filter((r) => r.standards.includes(st.code));
      if (items.length === 0) return '';
      return `<section class="group" data-group="standard:${st.code}"><h3>${esc(standardLabel(st.code))} (${items.length})</h3>${linkList(items)}</section>`;
    })
    .join('');
  const gaps =
    s.standardsWithoutEvidence.length === 0
      ? '<p>Every standard has at least one reflection.</p>'
      : `<h3>Standards with no evidence yet</h3><ul>${s.standardsWithoutEvidence.map((c) => `<li>${esc(standardLabel(c))}</li>`).join('')}</ul>`;

  const countTable = (caption: string, head: string, rows: { label: string; count: number }[]) =>
    `<table><caption>${esc(caption)}</caption><thead><tr><th scope="col">${esc(head)}</th><th scope="col" class="num">Reflections</th></tr></thead><tbody>${rows
      .map((r) => `<tr><th scope="row">${esc(r.label)}</th><td class="num">${r.count}</td></tr>`)
      .join('')}</tbody></table>`;

  const full = reflections
    .map((r) => {
      const model = reflectionModel(r.model);
      const answers = model.steps
        .filter((step) => (r.answers[step.key] ?? '') !== '')
        .map((step) => `<h4>${esc(step.title)}</h4>${paragraphs(r.answers[step.key]!)}`)
        .join('');
      const feedback =
        r.feedback.length === 0
          ? ''
          : `<h4>Supervisor feedback</h4>${r.feedback
              .map(
                (f) =>
                  `<blockquote><p class="meta">${esc(f.from)}, ${esc(formatDate(localDateOf(f.at, zone)))}</p>${paragraphs(f.text)}</blockquote>`,
              )
              .join('')}`;
      return `<article class="reflection" id="${r.anchor}" aria-labelledby="${r.anchor}-h">
<h3 id="${r.anchor}-h">${esc(reflectionTitle(r, zone))}</h3>
<dl class="meta">
<dt>Model</dt><dd>${esc(model.label)}</dd>
<dt>Placement week</dt><dd>${r.week === null ? 'outside the placement' : `Week ${r.week}`}</dd>
<dt>Pillars</dt><dd>${esc(sortPillars(r.pillars).map(pillarLabel).join(', ') || 'none')}</dd>
<dt>HCPC standards (${esc(r.standardsVersion)})</dt><dd>${esc(r.standards.map(standardLabel).join('; ') || 'none')}</dd>
<dt>Shared with supervisor</dt><dd>${r.shared ? 'Yes' : 'No'}</dd>
<dt>Shared with</dt><dd data-shared-with>${esc(sharedWithText(r))}</dd>
</dl>${answers}${feedback}</article>`;
    })
    .join('\n');

  let confidence: string;
  if (data.confidence === null)
    confidence = '<p>Check-ins are not part of a supervisor’s export of a student’s shared reflections.</p>';
  else if (data.confidence.length === 0) confidence = '<p>No check-ins yet.</p>';
  else {
    const areas = [...new Set(data.confidence.flatMap((p) => Object.keys(p.values)))];
    confidence = `<table><caption>Self-rated confidence at each check-in</caption><thead><tr><th scope="col">Check-in</th>${areas
      .map((a) => `<th scope="col" class="num">${esc(a)}</th>`)
      .join('')}</tr></thead><tbody>${data.confidence
      .map(
        (p) =>
          `<tr><th scope="row">${esc(p.label)}</th>${areas.map((a) => `<td class="num">${p.values[a] ?? '–'}</td>`).join('')}</tr>`,
      )
      .join('')}</tbody></table>`;
  }

  let conversations: string;
  if (data.conversations === null)
    conversations =
      '<p>Conversations are not part of a supervisor’s export of a student’s shared reflections.</p>';
  else if (data.conversations.length === 0) conversations = '<p>No conversations yet.</p>';
  else
    conversations = `<table><caption>${data.conversations.length} conversation${data.conversations.length === 1 ? '' : 's'} held</caption><thead><tr><th scope="col">Date</th><th scope="col">With</th><th scope="col">Role</th></tr></thead><tbody>${data.conversations
      .map((c) => `<tr><td>${esc(c.date)}</td><td>${esc(c.with)}</td><td>${esc(c.role)}</td></tr>`)
      .join('')}</tbody></table>`;

  const projectSection = data.project == null ? '' : renderProject(data.project);
  let events: string;
  if (data.events === null || data.events === undefined)
    events =
      '<p>Placement events are not part of a supervisor’s export of a student’s shared reflections.</p>';
  else if (data.events.length === 0) events = '<p>No placement events attended yet.</p>';
  else
    events = `<table><caption>${data.events.length} placement event${data.events.length === 1 ? '' : 's'} attended</caption><thead><tr><th scope="col">Date</th><th scope="col">Event</th><th scope="col">Kind</th></tr></thead><tbody>${data.events
      .map((e) => `<tr><td>${esc(e.date)}</td><td>${esc(e.title)}</td><td>${esc(e.kind)}</td></tr>`)
      .join('')}</tbody></table>`;

  const concerns = data.concerns?.length
    ? `<section aria-labelledby="concerns"><h2 id="concerns">Concerns raised</h2><p>Concerns you raised with your name (anonymous ones are never listed). The words stay with the people you raised them with.</p><table><thead><tr><th scope="col">Date</th><th scope="col">About</th><th scope="col">Outcome</th></tr></thead><tbody>${data.concerns
        .map((c) => `<tr><td>${esc(c.date)}</td><td>${esc(c.topic)}</td><td>${esc(c.outcome)}</td></tr>`)
        .join('')}</tbody></table></section>`
    : '';

  const weeks =
    s.weeksCompleted === null
      ? '<p>No placement calendar is linked, so weeks are not shown.</p>'
      : s.weeksWithoutReflection.length === 0
        ? `<p>A reflection in every completed placement week (${s.weeksCompleted} so far).</p>`
        : `<p>Completed placement weeks without a reflection: ${s.weeksWithoutReflection.map((w) => `week ${w}`).join(', ')}.</p>`;

  const audienceNote =
    data.audience === 'supervisor'
      ? `<p class="note">This export was made by a supervisor. It contains only the reflections ${name} chose to share with their supervisors.</p>`
      : data.audience === 'assessor'
        ? `<p class="note">${name} shared this read-only copy with ${esc(data.assessor ?? 'you')}. It holds the reflections ${name} shared with their supervisors, not their private ones.</p>`
        : `<p class="note">Your reflections are private unless you shared them. Keep this document safe: it contains everything you wrote.</p>`;
  const checkins = checkinsSection(data.checkins, zone);
  const supervision = supervisionSection(data.supervision);
  const confidenceChange = confidenceChangeSection(data.confidence);

  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Learning journey: ${name}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>Learning journey: ${name}</h1>
<p class="meta">${esc([data.student.profession, data.student.cohortName].filter(Boolean).join(' · '))}${data.student.profession || data.student.cohortName ? ' · ' : ''}exported ${esc(formatDate(localDateOf(data.generatedAt, zone)))}</p>
${audienceNote}
</header>
<nav aria-label="Contents"><ol>
<li><a href="#summary">Summary</a></li>
<li><a href="#by-pillar">Reflections by pillar</a></li>
<li><a href="#by-standard">Reflections by HCPC standard</a></li>
<li><a href="#reflections">Reflections in full</a></li>
${confidenceChange ? '<li><a href="#confidence-change">Confidence: start to end</a></li>' : ''}
${checkins ? '<li><a href="#checkins">Weekly check-ins</a></li>' : ''}
${supervision ? '<li><a href="#supervision">Supervision</a></li>' : ''}
<li><a href="#confidence">Check-in confidence trend</a></li>
<li><a href="#conversations">20-minute conversations</a></li>
${projectSection ? '<li><a href="#project">Project</a></li>' : ''}
<li><a href="#events">Placement events attended</a></li>
</ol></nav>
<section aria-labelledby="summary"><h2 id="summary">Summary</h2>
<p>${s.total} reflection${s.total === 1 ? '' : 's'}.</p>
${weeks}
${countTable('Reflections by pillar of practice', 'Pillar', s.byPillar)}
${countTable(`Reflections by HCPC standard of proficiency (${HCPC_SOP_2023.version})`, 'Standard', s.byStandard)}
</section>
<section aria-labelledby="by-pillar"><h2 id="by-pillar">Reflections by pillar</h2>${byPillar}</section>
<section aria-labelledby="by-standard"><h2 id="by-standard">Reflections by HCPC standard</h2>${byStandard}${gaps}</section>
<section aria-labelledby="reflections"><h2 id="reflections">Reflections in full</h2>
${reflections.length === 0 ? '<p>No reflections yet.</p>' : full}
</section>
${confidenceChange}
${checkins}
${supervision}
<section aria-labelledby="confidence"><h2 id="confidence">Check-in confidence trend</h2>${confidence}</section>
<section aria-labelledby="conversations"><h2 id="conversations">20-minute conversations</h2>${conversations}</section>
${projectSection}
<section aria-labelledby="events"><h2 id="events">Placement events attended</h2>${events}</section>
${concerns}
</main>
</body>
</html>
`;
}

/** The project section: the team, milestones, the student's updates, the presentation and its feedback. */
function renderProject(project: ExportProject | 'none'): string {
  const open = '<section aria-labelledby="project" data-section="project"><h2 id="project">Project</h2>';
  if (project === 'none') return `${open}<p>Not on a project.</p></section>`;
  const list = <T>(items: T[], empty: string, item: (x: T) => string) =>
    items.length === 0 ? `<p>${empty}</p>` : `<ul>${items.map((x) => `<li>${item(x)}</li>`).join('')}</ul>`;
  const names = (role: 'student' | 'supervisor') =>
    project.members
      .filter((m) => m.role === role)
      .map((m) => `${m.name} (${m.profession})`)
      .join(', ') || 'none';
  const average = project.feedback.length
    ? (project.feedback.reduce((a, f) => a + f.rating, 0) / project.feedback.length).toFixed(1)
    : null;
  return `${open}
<h3 class="project-title">${esc(project.title)}</h3>
<dl class="meta">
<dt>For</dt><dd>${esc(project.clinicalTeam)}</dd>
<dt>Students</dt><dd>${esc(names('student'))}</dd>
<dt>Supervisors</dt><dd>${esc(names('supervisor'))}</dd>
<dt>Final presentation</dt><dd>${esc(project.presentation?.when ?? 'not booked')}</dd>
</dl>
<h4>Milestones</h4>${list(project.milestones, 'None.', (m) => `${esc(formatDate(m.date))}: ${esc(m.title)}`)}
<h4>My weekly updates</h4>${list(project.updates, 'None.', (u) => `Week ${u.week}: ${esc(u.text)}`)}
<h4>Presentation feedback${average ? ` (${project.feedback.length}, average ${average} of 5)` : ''}</h4>${list(
    project.feedback,
    'None yet.',
    (f) => `${esc(f.from)}: ${f.rating} of 5${f.comment ? `. ${esc(f.comment)}` : ''}`,
  )}
</section>`;
}

/** Every answer key of every model, in a fixed order, for CSV columns. */
const ANSWER_COLUMNS = REFLECTION_MODELS.flatMap((m) => m.steps.map((s) => ({ key: s.key, model: m.id })));

/** A cell a spreadsheet would run as a formula gets a leading apostrophe. */
const cell = (value: string): string => spreadsheetSafe(value);

export function renderJourneyCsv(data: JourneyExportData): string {
  const reflections = orderedReflections(data);
  const header = [
    'record',
    'reflection',
    'date',
    'placement_week',
    'model',
    'topic',
    'pillars',
    'hcpc_standards',
    'standards_version',
    'shared_with_supervisor',
    'shared_with',
    ...ANSWER_COLUMNS.map((c) => `${c.model}:${c.key}`),
    'supervisor_feedback',
    'by',
    'detail',
  ];
  const width = header.length;
  const rows = reflections.map((r) => [
    'reflection',
    r.anchor,
    localDateOf(r.createdAt, data.timeZone),
    r.week === null ? '' : String(r.week),
    r.model,
    topicLabel(r.topic),
    sortPillars(r.pillars).map(pillarLabel).join('; '),
    r.standards.join('; '),
    r.standardsVersion,
    r.shared ? 'yes' : 'no',
    sharedWithText(r),
    ...ANSWER_COLUMNS.map((c) => (c.model === r.model ? (r.answers[c.key] ?? '') : '')),
    r.feedback.map((f) => f.text).join('\n---\n'),
    '',
    '',
  ]);
  // The evidence other features keep: one row each, in the shared record/date/week/by/detail columns.
  for (const [record, date, week, by, detail] of assessmentCsvRows(data, data.timeZone)) {
    const row: string[] = new Array<string>(width).fill('');
    row[0] = record;
    row[2] = date;
    row[3] = week;
    row[width - 2] = by;
    row[width - 1] = detail;
    rows.push(row);
  }
  return '\uFEFF' + stringify([header, ...rows.map((row) => row.map(cell))], { record_delimiter: 'windows' });
}
