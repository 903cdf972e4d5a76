/**
 * How people shorten words on a phone, written out before the classifier reads the text (and
 * when it trains), so "pls chk w ppl who didnt ack" reads like the phrasings it learnt from.
 * Whole words only; pure.
 */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  u: 'you',
  ur: 'your',
  r: 'are',
  w: 'with',
  'w/': 'with',
  abt: 'about',
  pls: 'please',
  plz: 'please',
  ppl: 'people',
  msg: 'message',
  wk: 'week',
  wks: 'weeks',
  tmrw: 'tomorrow',
  tmr: 'tomorrow',
  tmrow: 'tomorrow',
  tomoz: 'tomorrow',
  mon: 'monday',
  tues: 'tuesday',
  weds: 'wednesday',
  thurs: 'thursday',
  thur: 'thursday',
  fri: 'friday',
  sat: 'saturday',
  sun: 'sunday',
  pres: 'presentation',
  ot: 'occupational therapist',
  ots: 'occupational therapists',
  ftsu: 'freedom to speak up',
  ack: 'acknowledge',
  acked: 'acknowledged',
  sup: 'supervision',
  im: 'i am',
  ive: 'i have',
  whos: 'who is',
  whats: 'what is',
  wheres: 'where is',
  hows: 'how is',
  whens: 'when is',
  cant: 'cannot',
  dont: 'do not',
  didnt: 'did not',
  doesnt: 'does not',
  hasnt: 'has not',
  havent: 'have not',
  isnt: 'is not',
  wont: 'will not',
  wanna: 'want to',
  gonna: 'going to',
  mornin: 'morning',
  evenin: 'evening',
};

/** `text` (already lower case, from normaliseText) with short forms written out. */
export function expandShortForms(text: string): string {
  return text
    .split(' ')
    .map((word) => SHORT_FORMS[word] ?? word)
    .join(' ');
}
