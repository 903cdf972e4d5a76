/** `my host profile`: what students see about an AHP host (bio, location, online link, weekly cap). */
import type { AdaptiveCard } from '../../cards/cards.js';
import { cardNumber, FORM_ERROR_KEY } from '../../domain/validation.js';
import type { AhpHostDoc } from '../../storage/ahp-hosts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { offersAsHost, type ConversationDeps } from './conversation-deps.js';
import { formValues, parse, profileInput } from './input.js';

const HOSTS_ONLY = 'Only AHP hosts in the directory have a host profile.';

/** The person's entry in the AHP directory, if they may host. */
export async function hostOf(
  deps: Pick<ConversationDeps, 'ahpHosts'>,
  tenantId: string,
  person: PersonDoc,
): Promise<AhpHostDoc | null> {
  if (!offersAsHost(person)) return null;
  return deps.ahpHosts.byPersonId(tenantId, person._id);
}

export async function hostProfileCard(
  deps: ConversationDeps,
  tenantId: string,
  person: PersonDoc,
  values?: Record<string, unknown>,
  errors: Record<string, string> = {},
  message = '',
): Promise<AdaptiveCard | string> {
  const host = await hostOf(deps, tenantId, person);
  if (!host) return HOSTS_ONLY;
  const text = (key: string, fallback: string) =>
    typeof values?.[key] === 'string' || typeof values?.[key] === 'number' ? String(values[key]) : fallback;
  return deps.cards.render('conversation-host-profile', {
    name: host.displayName,
    headline: `${host.profession} · ${host.roleType}`,
    bio: text('bio', host.bio),
    location: text('location', host.location),
    onlineLink: text('onlineLink', host.onlineLink ?? ''),
    weeklyCap: cardNumber(values?.weeklyCap, host.weeklyCap),
    bioError: errors.bio ?? '',
    locationError: errors.location ?? '',
    onlineLinkError: errors.onlineLink ?? '',
    weeklyCapError: errors.weeklyCap ?? '',
    message: errors[FORM_ERROR_KEY] ?? message,
  });
}

export async function saveHostProfile(
  deps: ConversationDeps,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<AdaptiveCard | string> {
  const host = await hostOf(deps, tenantId, person);
  if (!host) return HOSTS_ONLY;
  const parsed = parse(profileInput, data);
  if (!parsed.ok) return hostProfileCard(deps, tenantId, person, formValues(data), parsed.errors);
  const { bio, location, onlineLink, weeklyCap } = parsed.value;
  await deps.ahpHosts.updateProfile(
    tenantId,
    host._id,
    { bio, location, onlineLink: onlineLink || null, weeklyCap },
    deps.clock.now(),
  );
  await deps.audit.record(
    tenantId,
    { actorId: person._id, action: 'conversation.host-profile', targetId: host._id },
    deps.clock.now(),
  );
  return hostProfileCard(
    deps,
    tenantId,
    person,
    undefined,
    {},
    'Saved. Students see your new details straight away.',
  );
}
