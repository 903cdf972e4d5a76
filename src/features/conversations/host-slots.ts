/**
 * A host's availability: publish one-off or weekly slots, withdraw a free slot, block and
 * unblock days. Each answers with the `my slots` card (host-slots-card.ts).
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { formatDate, localDateOf, parseTime } from '../../domain/placement-calendar.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ConversationDeps } from './conversation-deps.js';
import { slotHoldId, slotId as makeSlotId } from './conversations-repository.js';
import { hostOf } from './host-profile.js';
import { SLOT_HOSTS_ONLY, slotsCard } from './host-slots-card.js';
import { blockInput, formValues, parse, publishInput, unblockInput, withdrawInput } from './input.js';
import { overlaps, planSlots, SLOT_MINUTES } from './slot-planning.js';
import { zoneOf } from './time-zones.js';

/** Publishes one-off or weekly slots; idempotent (slot ids are host + start). */
export async function publishSlots(
  deps: ConversationDeps,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
) {
  const host = await hostOf(deps, tenantId, person);
  if (!host) return { card: SLOT_HOSTS_ONLY, created: 0 };
  const values = formValues(data);
  const parsed = parse(publishInput, data);
  if (!parsed.ok)
    return { card: await slotsCard(deps, tenantId, person, '', parsed.errors, values), created: 0 };
  const zone = await zoneOf(deps, tenantId, person);
  const now = deps.clock.now();
  const v = parsed.value;
  const today = localDateOf(now, zone);
  const refuse = async (pubDate: string) => ({
    card: await slotsCard(deps, tenantId, person, '', { pubDate }, values),
    created: 0,
  });
  if (v.pubDate < today)
    return refuse(
      `That date has passed: choose today (${formatDate(today)}) or a later date. Nothing was published.`,
    );
  const planned = planSlots({
    date: v.pubDate,
    time: parseTime(v.pubTime),
    count: v.pubCount,
    bufferMinutes: v.pubBuffer,
    weeks: v.pubWeeks,
    zone,
  });
  const blocked = (await deps.conversations.hostSettings(tenantId, host._id))?.blockedDates ?? [];
  const last = planned.at(-1)!;
  const existing = await deps.conversations.openSlots(
    tenantId,
    new Date(planned[0]!.startsAt.getTime() - SLOT_MINUTES * 60_000),
    last.endsAt,
    host._id,
  );
  let past = 0;
  let skipped = 0;
  const docs = [];
  for (const p of planned) {
    if (p.startsAt.getTime() <= now.getTime()) {
      past++;
      continue;
    }
    const id = makeSlotId(tenantId, host._id, p.startsAt);
    const clash = existing.some((e) => e._id !== id && overlaps(e.startsAt, e.endsAt, p.startsAt, p.endsAt));
    if (clash || blocked.includes(p.localDate)) {
      skipped++;
      continue;
    }
    docs.push({
      _id: id,
      hostId: host._id,
      hostPersonId: person._id,
      startsAt: p.startsAt,
      endsAt: p.endsAt,
      state: 'open' as const,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
  }
  if (docs.length === 0 && past === planned.length) return refuse('Those times have already passed');
  const created = await deps.conversations.insertSlots(tenantId, docs);
  await deps.audit.record(
    tenantId,
    {
      actorId: person._id,
      action: 'conversation.publish',
      targetId: host._id,
      details: { created, skipped, past },
    },
    now,
  );
  const parts = [`Published ${created} slot${created === 1 ? '' : 's'}.`];
  if (docs.length - created > 0) parts.push(`${docs.length - created} already existed.`);
  if (skipped > 0) parts.push(`${skipped} skipped (overlapping another slot or on a blocked day).`);
  if (past > 0) parts.push(`${past} skipped (in the past).`);
  return { card: await slotsCard(deps, tenantId, person, parts.join(' ')), created };
}

/** Removes a free slot. Race-free against a booking: removing takes the slot hold first. */
export async function withdrawSlot(
  deps: ConversationDeps,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<AdaptiveCard | string> {
  const host = await hostOf(deps, tenantId, person);
  if (!host) return 'Only AHP hosts in the directory can change conversation slots.';
  const parsed = parse(withdrawInput, data);
  const slot = parsed.ok ? await deps.conversations.slotById(tenantId, parsed.value.slotId) : null;
  if (!slot || slot.hostId !== host._id)
    return slotsCard(deps, tenantId, person, "I couldn't find that slot among yours.");
  const now = deps.clock.now();
  const took = await deps.conversations.takeHold(tenantId, {
    _id: slotHoldId(slot._id),
    kind: 'slot',
    bookingId: `withdrawn:${slot._id}`,
    hostId: host._id,
    weekKey: null,
    createdAt: now,
  });
  if (!took)
    return slotsCard(
      deps,
      tenantId,
      person,
      'That slot has just been booked. Cancel the booking if you cannot make it.',
    );
  await deps.conversations.withdrawSlot(tenantId, slot._id, now);
  return slotsCard(deps, tenantId, person, 'Slot removed.');
}

export async function blockDate(
  deps: ConversationDeps,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
  unblock = false,
): Promise<AdaptiveCard | string> {
  const host = await hostOf(deps, tenantId, person);
  if (!host) return 'Only AHP hosts in the directory can block dates.';
  const values = formValues(data);
  const parsed = unblock ? parse(unblockInput, data) : parse(blockInput, data);
  if (!parsed.ok)
    return slotsCard(
      deps,
      tenantId,
      person,
      '',
      { blockDate: parsed.errors.blockDate ?? parsed.errors.date ?? 'Enter a date' },
      values,
    );
  const date = 'blockDate' in parsed.value ? parsed.value.blockDate : parsed.value.date;
  const current = (await deps.conversations.hostSettings(tenantId, host._id))?.blockedDates ?? [];
  const next = unblock ? current.filter((d) => d !== date) : [...current, date];
  await deps.conversations.setBlockedDates(tenantId, host, next, deps.clock.now());
  return slotsCard(
    deps,
    tenantId,
    person,
    unblock
      ? `${formatDate(date)} is open for bookings again.`
      : `${formatDate(date)} is blocked: students can't book you that day. Existing bookings stay; cancel them if you need to.`,
  );
}
