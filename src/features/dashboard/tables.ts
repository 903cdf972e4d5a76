/** The lead page's tables as rows, for CSV download (the same numbers the charts show). */
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafe } from '../../domain/spreadsheet-cell.js';
import type { LeadOverview } from '../../web/api-types.js';

export const LEAD_TABLES = [
  'students',
  'submission-rate',
  'overdue',
  'confidence',
  'wellbeing',
  'conversations',
  'surveys',
  'announcements',
] as const;
export type LeadTable = (typeof LEAD_TABLES)[number];

export interface Table {
  header: string[];
  rows: (string | number | null)[][];
}

export function leadTable(o: LeadOverview, table: LeadTable): Table {
  switch (table) {
    case 'students':
      return {
        header: ['profession', 'students'],
        rows: (o.students.data?.byProfession ?? []).map((r) => [r.label, r.count]),
      };
    case 'submission-rate':
      return {
        header: ['week', 'submitted', 'expected', 'rate_percent'],
        rows: (o.submissionRate.data ?? []).map((r) => [
          r.week,
          r.submitted,
          r.expected,
          Math.round(r.rate * 100),
        ]),
      };
    case 'overdue':
      return { header: ['student', 'week'], rows: (o.overdue.data ?? []).map((r) => [r.name, r.week]) };
    case 'confidence':
      return {
        header: ['area', 'pre_mean', 'pre_n', 'post_mean', 'post_n'],
        rows: (o.confidence.data ?? []).map((r) => [r.label, r.pre, r.preN, r.post, r.postN]),
      };
    case 'wellbeing':
      return {
        header: ['week', 'low_wellbeing_flags'],
        rows: (o.wellbeing.data ?? []).map((r) => [r.week, r.count]),
      };
    case 'conversations':
      return {
        header: ['by', 'group', 'conversations'],
        rows: [
          ...(o.conversations.data?.byProfession ?? []).map((r) => ['profession', r.label, r.count]),
          ...(o.conversations.data?.byRoleType ?? []).map((r) => ['role type', r.label, r.count]),
        ],
      };
    case 'surveys':
      return {
        header: ['measure', 'baseline_mean', 'end_mean', 'change'],
        rows: (o.surveys.data?.rows ?? []).map((r) => [r.label, r.pre, r.post, r.delta]),
      };
    case 'announcements':
      return {
        header: ['announcement', 'sent_at', 'recipients', 'acknowledged', 'rate_percent'],
        rows: (o.announcements.data ?? []).map((r) => [
          r.title,
          r.sentAt,
          r.recipients,
          r.acknowledged,
          Math.round(r.rate * 100),
        ]),
      };
  }
}

/** CSV with a header row; cells that a spreadsheet would run as formulas are neutralised. */
export function toCsv(table: Table): string {
  const safe = (v: string | number | null) => (v === null ? '' : spreadsheetSafe(v));
  return stringify([table.header, ...table.rows.map((r) => r.map(safe))]);
}
