/**
 * Who a student says they want to talk to, from what they wrote: a profession ("physio",
 * "an OT", "someone from dietetics") or a role ("the EDI lead", "meet the FTSU guardian"), and whether
 * an AHP host fits it. Pure: the booking card uses it to pre-filter its hosts, and the
 * free-text reader to carry it into `book a conversation with <who>`.
 */

/** The HCPC allied health professions, with the ways people write them. */
const PROFESSIONS: readonly { name: string; said: RegExp; host: RegExp }[] = [
  { name: 'physiotherapy', said: /\bphysio(s|therapy|therapists?)?\b|\bpt\b/, host: /physio/ },
  {
    name: 'occupational therapy',
    said: /\b(ots?|occupational therap(y|ists?)|occ therap(y|ists?))\b/,
    host: /occupational/,
  },
  {
    name: 'speech and language therapy',
    said: /\b(slts?|salts?|speech( and language)?( therap(y|ists?))?|speechies)\b/,
    host: /speech/,
  },
  { name: 'dietetics', said: /\bdiet(etics|itians?|icians?)\b/, host: /diet/ },
  { name: 'radiography', said: /\b(radiograph(y|ers?)|radiology)\b/, host: /radiograph/ },
  { name: 'podiatry', said: /\b(podiatr(y|ists?)|chiropod(y|ists?))\b/, host: /podiatr/ },
  { name: 'paramedicine', said: /\bparamedic(s|ine)?\b/, host: /paramedic/ },
  { name: 'orthoptics', said: /\borthopt(ics|ists?)\b/, host: /orthopt/ },
  {
    name: 'prosthetics and orthotics',
    said: /\b(prosthet(ics|ists?)|orthot(ics|ists?))\b/,
    host: /prosthet|orthot/,
  },
  {
    name: 'operating department practice',
    said: /\b(odps?|operating department( practi(ce|tioners?))?|theatres?)\b/,
    host: /operating department/,
  },
  { name: 'art therapy', said: /\bart therap(y|ists?)\b/, host: /art therap/ },
  { name: 'music therapy', said: /\bmusic therap(y|ists?)\b/, host: /music therap/ },
  { name: 'drama therapy', said: /\bdrama(therapy| therap(y|ists?))\b/, host: /drama/ },
  { name: 'osteopathy', said: /\bosteopath(y|s)?\b/, host: /osteopath/ },
];

/** Words around a role that say nothing about it. */
const FILLER =
  /^(the|a|an|our|my|some|someone|somebody|anyone|one of the|who is|who's|that is|from|in|at|working in|who works in|a person from|people from)\s+/;
const TRAILING = /\s+(please|pls|thanks|thank you|next week|this week|tomorrow|today|soon|if possible)$/;

export type HostWish = { kind: 'profession'; name: string } | { kind: 'role'; name: string };

const clean = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/[^a-z0-9' -]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The profession or role the text asks for (a role after "with", "meet", "talk to"), or null. */
export function hostWishIn(text: string): HostWish | null {
  const said = clean(text);
  const profession = PROFESSIONS.find((p) => p.said.test(said));
  if (profession) return { kind: 'profession', name: profession.name };
  // "a chat with the EDI lead", "wanna meet the FTSU guardian", "talk to the AHP lead".
  const match = /\b(?:with|meet|talk to|speak to)\s+(.+)$/.exec(said);
  if (!match) return null;
  // "talk to someone about my placement": what follows "about" is the topic, not the role.
  let role = match[1]!.replace(/\s+about\b.*$/, '');
  for (let previous = ''; previous !== role;) {
    previous = role;
    role = role.replace(FILLER, '').replace(TRAILING, '').trim();
  }
  if (role === '' || /^(someone|somebody|anyone|a host|an ahp|ahps?|people)$/.test(role)) return null;
  return role.split(' ').length <= 4 ? { kind: 'role', name: role } : null;
}

/** Whether a host fits the wish: their profession, or a role type that names it. */
export function hostFitsWish(host: { profession: string; roleType: string }, wish: HostWish): boolean {
  if (wish.kind === 'profession') {
    const profession = PROFESSIONS.find((p) => p.name === wish.name);
    return profession ? profession.host.test(clean(host.profession)) : clean(host.profession) === wish.name;
  }
  const role = clean(host.roleType);
  return role !== '' && (role.includes(wish.name) || wish.name.includes(role));
}

/** How the wish reads in a command and on the card: "physiotherapy", "edi lead". */
export function hostWishText(wish: HostWish): string {
  return wish.name;
}
