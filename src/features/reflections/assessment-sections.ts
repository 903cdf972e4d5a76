/**
 * The assessment-grade parts of the learning-journey export (pure, no I/O): supervisor comments
 * and countersignatures on check-ins (with the student's own words when they chose to include
 * them), supervision sessions and agreed actions, and confidence from the first check-in to the
 * last per area, with a small inline SVG chart beside the figures. HTML and CSV rows alike.
 */
import { formatDate, localDateOf } from '../../domain/placement-calendar.js';
import type { ExportSupervision } from './ports.js';

export interface ExportCheckinRecord {
  week: number;
  submittedAt: Date | null;
  /** null: the student did not choose to include their check-in notes. */
  narrative: { label: string; text: string }[] | null;
  comments: { from: string; text: string; at: Date }[];
  countersigned: { by: string; at: Date } | null;
}

export type ExportSupervisionRecord = ExportSupervision;

export interface ConfidenceChange {
  area: string;
  start: number;
  startLabel: string;
  end: number;
  endLabel: string;
  change: number;
}

/** Per area, the first and the last rating over the check-ins (points in week order). */
export function confidenceChanges(
  points: { label: string; values: Record<string, number> }[],
): ConfidenceChange[] {
  const areas = [...new Set(points.flatMap((p) => Object.keys(p.values)))];
  return areas.flatMap((area) => {
    const rated = points.filter((p) => typeof p.values[area] === 'number');
    if (rated.length === 0) return [];
    const first = rated[0]!;
    const last = rated.at(-1)!;
    const start = first.values[area]!;
    const end = last.values[area]!;
    return [{ area, start, startLabel: first.label, end, endLabel: last.label, change: end - start }];
  });
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const paras = (s: string): string =>
  s
    .split(/\n{2,}/)
    .map((p) => `<p>${esc(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
const day = (at: Date, zone: string) => formatDate(localDateOf(at, zone));
const signed = (n: number) => (n > 0 ? `+${n}` : n === 0 ? '0' : `−${-n}`);
const STATUS: Record<ExportSupervisionRecord['actions'][number]['status'], string> = {
  open: 'open',
  'not-yet': 'not yet',
  done: 'done',
};

/** A dumbbell chart: per area, start (hollow) → end (filled) on the 1–5 scale. */
export function confidenceChart(changes: ConfidenceChange[]): string {
  const labelW = 210;
  const plotW = 240;
  const rowH = 26;
  const top = 22;
  const height = top + rowH * changes.length + 8;
  const x = (v: number) => labelW + ((v - 1) / 4) * plotW;
  const ticks = [1, 2, 3, 4, 5]
    .map(
      (v) =>
        `<line x1="${x(v)}" y1="${top - 6}" x2="${x(v)}" y2="${height - 8}" stroke="#d8dde0"/><text x="${x(v)}" y="12" text-anchor="middle" font-size="11" fill="#425563">${v}</text>`,
    )
    .join('');
  const rows = changes
    .map((c, i) => {
      const y = top + rowH * i + rowH / 2;
      const colour = c.change > 0 ? '#007f3b' : c.change < 0 ? '#d5281b' : '#425563';
      return `<text x="0" y="${y + 4}" font-size="12" fill="#1b1b1b">${esc(c.area)}</text><line x1="${x(c.start)}" y1="${y}" x2="${x(c.end)}" y2="${y}" stroke="${colour}" stroke-width="3"/><circle cx="${x(c.start)}" cy="${y}" r="5" fill="#fff" stroke="${colour}" stroke-width="2"/><circle cx="${x(c.end)}" cy="${y}" r="5" fill="${colour}"/>`;
    })
    .join('');
  return `<svg class="confidence-chart" role="img" aria-labelledby="confidence-chart-title" width="${labelW + plotW + 16}" height="${height}" viewBox="0 0 ${labelW + plotW + 16} ${height}" xmlns="http://www.w3.org/2000/svg"><title id="confidence-chart-title">Confidence at the first and the last check-in, per area, on a scale of 1 to 5 (hollow: start, filled: end)</title>${ticks}${rows}</svg>`;
}

export function confidenceChangeSection(
  points: { label: string; values: Record<string, number> }[] | null,
): string {
  const open =
    '<section aria-labelledby="confidence-change" data-section="confidence-change"><h2 id="confidence-change">Confidence: start to end</h2>';
  if (points === null) return '';
  const changes = confidenceChanges(points);
  if (changes.length === 0) return `${open}<p>No confidence ratings yet.</p></section>`;
  if (points.length < 2)
    return `${open}<p>One check-in so far, so there is no change to show yet.</p></section>`;
  const table = `<table><caption>Self-rated confidence, first and last check-in (1 to 5)</caption><thead><tr><th scope="col">Area</th><th scope="col" class="num">Start</th><th scope="col" class="num">End</th><th scope="col" class="num">Change</th></tr></thead><tbody>${changes
    .map(
      (c) =>
        `<tr data-area="${esc(c.area)}"><th scope="row">${esc(c.area)}</th><td class="num">${c.start} <span class="meta">(${esc(c.startLabel)})</span></td><td class="num">${c.end} <span class="meta">(${esc(c.endLabel)})</span></td><td class="num">${signed(c.change)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
  return `${open}${confidenceChart(changes)}${table}</section>`;
}

export function checkinsSection(checkins: ExportCheckinRecord[] | null | undefined, zone: string): string {
  if (checkins === null || checkins === undefined) return '';
  const open =
    '<section aria-labelledby="checkins" data-section="checkins"><h2 id="checkins">Weekly check-ins: supervisor comments and countersignatures</h2>';
  if (checkins.length === 0) return `${open}<p>No check-ins yet.</p></section>`;
  const notes = checkins.some((c) => c.narrative !== null);
  const weeks = checkins
    .map((c) => {
      const sign = c.countersigned
        ? `<p class="countersigned">Countersigned by ${esc(c.countersigned.by)} on ${esc(day(c.countersigned.at, zone))}</p>`
        : '<p class="meta">Not countersigned.</p>';
      const comments = c.comments
        .map(
          (m) =>
            `<blockquote class="supervisor-comment"><p class="meta">${esc(m.from)}, ${esc(day(m.at, zone))}</p>${paras(m.text)}</blockquote>`,
        )
        .join('');
      const narrative =
        c.narrative === null
          ? ''
          : c.narrative.map((n) => `<h4>${esc(n.label)}</h4>${paras(n.text)}`).join('');
      return `<article class="checkin" id="checkin-w${c.week}"><h3>Week ${c.week}${c.submittedAt ? `, submitted ${esc(day(c.submittedAt, zone))}` : ''}</h3>${narrative}${comments}${sign}</article>`;
    })
    .join('\n');
  const note = notes
    ? ''
    : '<p class="meta">The student chose not to include what they wrote in their check-ins.</p>';
  return `${open}${note}${weeks}</section>`;
}

export function supervisionSection(record: ExportSupervisionRecord | null | undefined): string {
  if (record === null || record === undefined) return '';
  const open =
    '<section aria-labelledby="supervision" data-section="supervision"><h2 id="supervision">Supervision sessions and agreed actions</h2>';
  const sessions =
    record.sessions.length === 0
      ? '<p>No supervision sessions recorded yet.</p>'
      : `<table><caption>${record.sessions.length} supervision session${record.sessions.length === 1 ? '' : 's'}</caption><thead><tr><th scope="col">Date</th><th scope="col">Week</th><th scope="col">Kind</th><th scope="col" class="num">Minutes</th><th scope="col">With</th><th scope="col">Notes</th></tr></thead><tbody>${record.sessions
          .map(
            (s) =>
              `<tr><td>${esc(formatDate(s.date))}</td><td>${s.week}</td><td>${esc(s.kind)}</td><td class="num">${s.minutes}</td><td>${esc(s.recordedBy)}</td><td>${esc(s.notes)}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const actions =
    record.actions.length === 0
      ? '<p>No actions agreed yet.</p>'
      : `<table><caption>Agreed actions</caption><thead><tr><th scope="col">Agreed</th><th scope="col">Action</th><th scope="col">Who</th><th scope="col">Due</th><th scope="col">Status</th></tr></thead><tbody>${record.actions
          .map(
            (a) =>
              `<tr class="agreed-action"><td>${esc(formatDate(a.sessionDate))}</td><td>${esc(a.text)}</td><td>${a.owner === 'student' ? 'Student' : 'Supervisor'}</td><td>${esc(formatDate(a.dueDate))}</td><td>${STATUS[a.status]}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  return `${open}${sessions}${actions}</section>`;
}

/** Extra CSV rows: [record, date, placement_week, by, detail]. */
export function assessmentCsvRows(
  data: {
    checkins?: ExportCheckinRecord[] | null;
    supervision?: ExportSupervisionRecord | null;
    confidence: { label: string; values: Record<string, number> }[] | null;
    events?: { date: string; title: string; kind: string }[] | null;
    project?:
      | { title: string; clinicalTeam: string; feedback: { from: string; rating: number; comment: string }[] }
      | 'none'
      | null;
  },
  zone: string,
): [string, string, string, string, string][] {
  const rows: [string, string, string, string, string][] = [];
  const d = (at: Date) => localDateOf(at, zone);
  for (const c of data.checkins ?? []) {
    const week = String(c.week);
    for (const n of c.narrative ?? [])
      rows.push(['check-in note', c.submittedAt ? d(c.submittedAt) : '', week, '', `${n.label}: ${n.text}`]);
    for (const m of c.comments) rows.push(['supervisor comment', d(m.at), week, m.from, m.text]);
    if (c.countersigned)
      rows.push([
        'countersignature',
        d(c.countersigned.at),
        week,
        c.countersigned.by,
        `Check-in of week ${c.week}`,
      ]);
  }
  for (const s of data.supervision?.sessions ?? [])
    rows.push([
      'supervision session',
      s.date,
      String(s.week),
      s.recordedBy,
      `${s.kind}, ${s.minutes} minutes${s.notes ? `. ${s.notes}` : ''}`,
    ]);
  for (const a of data.supervision?.actions ?? [])
    rows.push([
      'agreed action',
      a.sessionDate,
      '',
      a.owner,
      `${a.text} (due ${a.dueDate}, ${STATUS[a.status]})`,
    ]);
  for (const c of confidenceChanges(data.confidence ?? []))
    rows.push([
      'confidence',
      '',
      '',
      '',
      `${c.area}: ${c.start} (${c.startLabel}) to ${c.end} (${c.endLabel}), ${signed(c.change).replace('−', '-')}`,
    ]);
  for (const e of data.events ?? []) rows.push(['event attended', e.date, '', '', `${e.title} (${e.kind})`]);
  if (data.project && data.project !== 'none') {
    rows.push([
      'project role',
      '',
      '',
      '',
      `Student team member: ${data.project.title}, for ${data.project.clinicalTeam}`,
    ]);
    for (const f of data.project.feedback)
      rows.push([
        'presentation feedback',
        '',
        '',
        f.from,
        `${f.rating} of 5${f.comment ? `. ${f.comment}` : ''}`,
      ]);
  }
  return rows;
}
