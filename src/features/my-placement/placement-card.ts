/** `my placement`'s view data -> cards/my-placement.json (the only place that knows the card). */
import type { AdaptiveCard, Cards } from '../../cards/cards.js';
import { chatLink } from '../../feature-kit/chat-link.js';

export interface Contact {
  name: string;
  email: string;
}

export interface PlacementView {
  cohortName: string;
  todayText: string;
  phase: 'upcoming' | 'running' | 'ended';
  headline: string;
  days: { title: string; value: string }[];
  datesText: string;
  supervisors: Contact[];
  leads: Contact[];
  nextConversation: string | null;
}

/** Teams shows at most a handful of buttons well on a phone. */
const MAX_BUTTONS = 4;

const names = (people: Contact[]) => people.map((p) => p.name).join(', ');

export function placementCardData(view: PlacementView) {
  const facts = [
    ...view.days,
    { title: 'Dates', value: view.datesText },
    {
      title: view.supervisors.length > 1 ? 'Supervisors' : 'Supervisor',
      value: names(view.supervisors) || 'Not linked yet: ask your placement lead',
    },
    {
      title: view.leads.length > 1 ? 'Leads' : 'Lead',
      value: names(view.leads) || 'Not named yet: ask your university placement team',
    },
  ];
  if (view.phase !== 'ended')
    facts.push({
      title: 'Next chat',
      value: view.nextConversation ?? 'None booked yet: type book a conversation',
    });
  const buttons = [
    ...view.supervisors.map((p) => ({ title: `Chat to ${p.name} (supervisor)`, email: p.email })),
    ...view.leads.map((p) => ({ title: `Chat to ${p.name} (placement lead)`, email: p.email })),
  ]
    .filter((b, i, all) => b.email && all.findIndex((o) => o.email === b.email) === i)
    .slice(0, MAX_BUTTONS)
    .map((b) => ({ title: b.title, url: chatLink(b.email) }));
  return {
    title: 'Your placement',
    subtitle: `${view.cohortName} · ${view.todayText}`,
    headline: view.headline,
    facts,
    contacts: buttons,
  };
}

export function placementCard(cards: Cards, view: PlacementView): AdaptiveCard {
  return cards.render('my-placement', placementCardData(view));
}
