/** The student view's panels: tags of their reflections (for a supervisor: the shared ones), their conversations. */
import { PILLARS } from '../../domain/catalogues.js';
import { CURRENT_HCPC_CATALOGUE } from '../../domain/hcpc-standards.js';
import type { BookingRow, TagCount } from '../../web/api-types.js';
import type { DashboardDeps } from './dashboard-service.js';
import { empty, notSetUp, ok, type Panel } from './panels.js';

const REFLECTIONS = 'Reflections';
const CONVERSATIONS = '20-minute conversations';

export async function reflectionTags(
  d: DashboardDeps,
  tenantId: string,
  personId: string,
  audience: 'student' | 'supervisor' = 'student',
): Promise<{ pillars: Panel<TagCount[]>; standards: Panel<TagCount[]> }> {
  const reflections = d.sources.reflections;
  if (!reflections) return { pillars: notSetUp(REFLECTIONS), standards: notSetUp(REFLECTIONS) };
  // A supervisor counts only what the student shared with them.
  const over = audience === 'student' ? 'all' : 'shared';
  const count = (field: 'pillars' | 'standards') => reflections.tagCounts(tenantId, personId, field, over);
  const [pillars, standards] = await Promise.all([count('pillars'), count('standards')]);
  const none =
    audience === 'student'
      ? 'No reflections yet. Type "reflect" to the bot to write your first one.'
      : 'No reflections shared with you yet.';
  const total =
    [...pillars.values()].reduce((a, b) => a + b, 0) + [...standards.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return { pillars: empty(none), standards: empty(none) };
  return {
    pillars: ok(
      PILLARS.map((p) => ({
        key: p.id,
        label: p.label,
        count: pillars.get(p.id) ?? 0,
        gap: !pillars.get(p.id),
      })),
    ),
    standards: ok(
      CURRENT_HCPC_CATALOGUE.standards.map((s) => ({
        key: s.code,
        label: `${s.code}: ${s.title}`,
        count: standards.get(s.code) ?? 0,
        gap: !standards.get(s.code),
      })),
    ),
  };
}

/** A student's own 20-minute conversations: held, booked, and the upcoming ones. */
export async function conversationsOf(
  d: DashboardDeps,
  tenantId: string,
  personId: string,
  now: Date,
): Promise<Panel<{ held: number; booked: number; upcoming: BookingRow[] }>> {
  const conversations = d.sources.conversations;
  if (!conversations) return notSetUp(CONVERSATIONS);
  const rows = await conversations.ofStudent(tenantId, personId);
  if (rows.length === 0)
    return empty(
      'No 20-minute conversations yet. Type "book a conversation" to the bot to meet an AHP in a role you have not met.',
    );
  return ok({
    held: rows.filter((r) => r.state === 'held').length,
    booked: rows.filter((r) => r.state === 'booked').length,
    upcoming: rows
      .filter((r) => r.state === 'booked' && new Date(r.startsAt).getTime() >= now.getTime())
      .map((r) => ({
        startsAt: new Date(r.startsAt).toISOString(),
        hostProfession: r.profession,
        hostRoleType: r.roleType,
      })),
  });
}

/** Whether the learning-journey export (reflections feature) is available on this service. */
export function exportAvailable(d: DashboardDeps): boolean {
  return d.sources.journeyExport !== null;
}
