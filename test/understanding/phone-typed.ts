/**
 * A second held-out set: messages as people thumb them into a Teams 1:1 chat on a phone
 * (lower case, typos, text-speak, no punctuation, NHS words), from all four roles, written
 * after using the bot. Training never sees these (test/understanding checks); each lists the
 * readings that count as understood: a command, or a reading kind ('hello', 'thanks',
 * 'suggest', 'unknown') where the bot has no command for it and should not pretend to.
 */
import type { Role } from '../../src/storage/people-repository.js';

export interface Typed {
  text: string;
  role: Exclude<Role, 'admin'>;
  /** Readings that are right: command names or reading kinds. */
  right: readonly string[];
}

const of = (role: Typed['role'], right: string | readonly string[], texts: string[]): Typed[] =>
  texts.map((text) => ({ text, role, right: typeof right === 'string' ? [right] : right }));

/** Off-topic: right is anything but a command (the bot has none for it). */
const NOT_A_COMMAND = ['suggest', 'unknown'];

export const PHONE_TYPED: Typed[] = [
  // student
  ...of('student', 'check in', [
    'do my checkin',
    'checkin pls',
    'wheres my check in for this wk',
    'forgot to do last weeks check in',
    'havent done checkin yet sorry',
  ]),
  ...of('student', ['check in', 'suggest'], ['cant do my checkin today off sick']),
  ...of('student', 'my check-ins', ['did sam reply to my checkin', 'what did i put in my last checkin']),
  ...of('student', 'reflect', [
    'wanna write a reflection abt today',
    'reflection on shadowing the dietitian',
  ]),
  ...of('student', 'my reflections', ['can i see my reflections', 'where r my reflections']),
  ...of('student', 'book a conversation', [
    'hw do i book a 20 min chat w a dietitian',
    'book chat w OT',
    'can i meet someone from radiography',
    'id like to talk to a paramedic',
  ]),
  ...of('student', 'my bookings', [
    'i need to change my booking to thurs',
    'cancel my chat on fri',
    'whens my next 20 min chat',
  ]),
  ...of('student', 'my journey', ['hows my portfolio looking', 'which hcpc standards havent i done']),
  ...of('student', 'share my journey with <email>', ['send my journey to my uni tutor']),
  ...of('student', 'presentation starter', ['need slides for my final pres']),
  ...of('student', 'surveys', ['any surveys i need to do']),
  ...of('student', 'events', ['am i going to the study day', 'whats the date of the careers expo']),
  ...of('student', 'my project', ['qi project update']),
  ...of('student', 'help', ['help pls', 'what can u do', 'how do i use this']),
  // questions the bot has no command for: offer options, never run a guess
  ...of('student', 'my placement', ['whos my supervisor', 'what week am i on']),
  ...of('student', NOT_A_COMMAND, [
    'wats the wifi pw',
    'where do i get my id badge',
    'what time is handover',
    'wheres the nearest costa',
    'can u get my rota',
    'lol',
  ]),
  ...of('student', 'hello', ['hiya bot', 'mornin']),
  ...of('student', 'thanks', ['ta v much', 'cheers for that']),
  // supervisor
  ...of('supervisor', 'my students', [
    'show me who hasnt checked in',
    'has jess done her checkin',
    'how r my students getting on',
  ]),
  ...of('supervisor', 'pause check-ins', [
    'pause checkins for tom hes off sick',
    'student on AL next wk pause her check ins',
  ]),
  ...of('supervisor', 'record supervision', ['log supervision w priya', 'write up todays sup session']),
  ...of('supervisor', 'shared reflections', ['any reflections shared w me']),
  ...of('supervisor', 'new project', ['set up a qi project for my students']),
  ...of('supervisor', 'export journey <student email>', ['export priyas journey']),
  ...of('supervisor', NOT_A_COMMAND, ['can u book me annual leave']),
  // AHP host
  ...of('ahp-host', 'my slots', ['add more slots next wk', 'block out fri afternoon']),
  ...of('ahp-host', 'my bookings', [
    'whos booked in with me',
    'cancel my 2pm with the student',
    'whos coming to see me tmrw',
  ]),
  ...of('ahp-host', 'my host profile', [
    'pls change my bio its out of date',
    'update my teams link',
    'i can only do 1 a week now',
  ]),
  // placement lead
  ...of('lead', 'cohort status', ['show me who hasnt checked in', 'checkin rates this wk']),
  ...of('lead', 'announcements', ['send reminder to ppl who didnt ack', 'who hasnt acked the announcement']),
  ...of('lead', 'announce', [
    'send msg to whole cohort re parking',
    'tell all the students the study day is cancelled',
  ]),
  ...of('lead', 'run survey', ['send out the confidence survey']),
  ...of('lead', 'surveys', ['hows the survey going']),
  ...of('lead', 'manage cohorts', ['add a new student to cohort 3', 'change the placement dates']),
  ...of('lead', 'conversations report', ['who hasnt booked a chat yet']),
  ...of('lead', 'new event', ['set up a careers day']),
  ...of('lead', 'link cohort', ['link this chanel']),
  ...of('lead', 'reflection prompts', ['turn off reflection prompts']),
  ...of('lead', 'compare cohorts', ['compare cohort 1 and 2 confidence']),
  // anyone
  ...of('student', 'delete my data', ['pls get rid of all my data']),
  ...of('supervisor', 'export my data', ['what data do u have on me']),
  ...of('student', 'raise a concern', ['report poor practice on the ward anonymously']),
];

/**
 * Written after the fixes that the list above led to, and never tuned on: the honest measure
 * of whether those fixes generalise.
 */
export const PHONE_TYPED_FRESH: Typed[] = [
  ...of('student', 'check in', ['can i still do this wks checkin', 'checkin for wk 3 pls']),
  ...of('student', 'my check-ins', ['wat did my educator say abt my checkin']),
  ...of('student', 'reflect', ['need to do a reflection for my portfolio', 'reflect on todays ward round']),
  ...of('student', 'my reflections', ['show me all my reflections pls']),
  ...of('student', 'book a conversation', ['can i book in w a podiatrist', 'wanna meet the ftsu guardian']),
  ...of('student', 'my bookings', ['move my chat to next wk', 'what chats have i got coming up']),
  ...of('student', 'my journey', ['what standards am i missing']),
  ...of('student', 'surveys', ['is there a questionnaire i need to fill in']),
  ...of('student', 'events', ['whens the next study day']),
  ...of('student', 'my placement', [
    'is tmrw a leadership day',
    'wen do i finish placement',
    'whos my placement lead',
    'wot wk am i in',
    'am i in tmrw or is it a bank hol',
    'whens my last day',
  ]),
  ...of('student', 'export my data', ['can i get a copy of my data']),
  ...of('student', NOT_A_COMMAND, ['whats for lunch', 'what bus goes to the hospital']),
  ...of('supervisor', 'my students', ['have my students checked in', 'hows priya doing this wk']),
  ...of('supervisor', 'pause check-ins', ['stop checkins for sam shes on leave']),
  ...of('supervisor', 'record supervision', ['record todays supervision w my student']),
  ...of('supervisor', 'shared reflections', ['reflections my students sent me']),
  ...of('ahp-host', 'my slots', ['put up some slots for thurs', 'delete my slot on weds']),
  ...of('ahp-host', 'my bookings', ['any students booked with me this wk']),
  ...of('ahp-host', 'my host profile', ['change my location to the therapy gym']),
  ...of('lead', 'cohort status', ['hows the cohort doing with checkins']),
  ...of('lead', 'announce', ['send an announcement abt the fire drill']),
  ...of('lead', 'announcements', ['who has read my last announcement']),
  ...of('lead', 'run survey', ['schedule the end of placement survey']),
  ...of('lead', 'new event', ['create a study day for cohort 2']),
  ...of('lead', 'conversations report', ['how many 20 min chats have there been']),
];

/**
 * Distress as people actually say it, often indirectly and without apostrophes. Every one must
 * get the kind answer from any role, by the phrase list (never the classifier alone).
 */
export const PHONE_DISTRESS: string[] = [
  'im not coping tbh',
  'its all getting too much',
  'i dont want to be here anymore',
  'i cant cope',
  'i cant face going in tomorrow',
  'dont think i can do this',
  'i just want it all to stop',
  'no one would notice if i wasnt here',
  'im so tired of everything',
  'having a really hard time atm',
  'feel like im drowning',
  'been having dark thoughts',
  'my mental healths not great rn',
  'i hate myself',
  'cant stop crying',
  'my supervisor makes me feel stupid',
  'im dreading placement',
  'dont know who to talk to',
  'i feel like a failure',
  'i wanna quit',
  'someone at work keeps making comments about my body',
  'one of the nurses grabbed me',
  'i want to disappear',
  'whats the point anymore',
  'not in a good place',
  'im not doing great',
  'i dont feel safe',
  'cant sleep cant eat',
  'cant do this anymore',
  'i dont feel ok',
];

/** Distress written after the phrase list was extended, never tuned on (see PHONE_TYPED_FRESH). */
export const PHONE_DISTRESS_FRESH: string[] = [
  'i feel like im falling behind and cant keep up',
  'i cry in the car before every shift',
  'i feel sick with nerves every morning',
  'my educator keeps putting me down',
  'i think i need help',
  'im really not ok rn',
  'i dont see the point in carrying on',
  'i want to go home and never come back',
  'ive been feeling rubbish for weeks',
  'someone said something racist to me on the ward',
  'a patient was aggressive and i got hurt',
  'i cant keep going like this',
];
