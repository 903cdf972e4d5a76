/**
 * The held-out phrasings: written as people type in a chat (typos, UK spellings, no
 * punctuation), labelled with the command they mean and a role that may use it. Training
 * (src/features/<name>/utterances.ts) never sees these; test/understanding and
 * bench/understanding.ts measure the classifier on them.
 */
import type { Role } from '../../src/storage/people-repository.js';

export interface Labelled {
  text: string;
  intent: string;
  role: Exclude<Role, 'admin'>;
}

const of = (intent: string, role: Exclude<Role, 'admin'>, texts: string[]): Labelled[] =>
  texts.map((text) => ({ text, intent, role }));

export const HELD_OUT: Labelled[] = [
  ...of('help', 'student', [
    'what are you able to help with',
    'um how does this thing work',
    'what should I type',
    'can u help me',
    'what sort of stuff do you do',
  ]),
  ...of('hello', 'supervisor', ['hello there', 'hi placement bot', 'heya', 'good morning!', 'hey, hi']),
  ...of('thanks', 'ahp-host', [
    'many thanks',
    'thanks so much!',
    'cheers!',
    'thank you very much',
    'great, ta',
  ]),
  ...of('check in', 'student', [
    'can i check in for this week',
    'i havent done my check in yet',
    'where do i do the weekly check-in',
    'doing my checkin now',
    'need to fill in the check in before supervision tomorrow',
  ]),
  ...of('my placement', 'student', [
    'who supervises me on this placement',
    'which week are we in now',
    'when is my final day',
    'am i doing clinical or leadership on thursday',
    'who leads my cohort',
    'how long until my placement is over',
  ]),
  ...of('my check-ins', 'student', [
    'show me what I put in my check ins',
    'can i see my last check in',
    'my older check-ins',
    'did my supervisor comment on my checkin',
    'look at my check ins from previous weeks',
  ]),
  ...of('pause check-ins', 'supervisor', [
    'please pause check ins for my student, she is off sick',
    'student is on leave, stop the check ins',
    'pause the weekly check in for a student',
    'can check ins be paused for someone',
    'my student is unwell so pause their checkins',
  ]),
  ...of('cohort status', 'lead', [
    'how many students have checked in so far',
    'who is overdue with check ins',
    'checkin status please',
    'what is the cohort check-in rate',
    'who hasnt done the check in this week',
  ]),
  ...of('record supervision', 'supervisor', [
    'record a group supervision',
    'log the supervision I just did',
    'record my supervision session with sam',
    'I want to write up supervision and agreed actions',
    'record supervision please',
  ]),
  ...of('my students', 'supervisor', [
    'how are my students',
    'see my students',
    'my supervisees please',
    'which students do i have',
    'how are my supervisees doing this week',
  ]),
  ...of('reflect', 'student', [
    'i want to write a reflection about my conversation with the EDI lead',
    'start writing a reflection',
    'can i reflect on my clinical day',
    'reflection about the board meeting',
    'write reflection',
  ]),
  ...of('my reflections', 'student', [
    'see my reflections',
    'open my reflections',
    'reflections ive written',
    'i want to delete one of my reflections',
    'show the reflections i have done',
  ]),
  ...of('my journey', 'student', [
    'where am i up to with my hcpc standards',
    'which standards have I covered so far',
    'show me my journey',
    'how am i getting on with the pillars',
    'what gaps do i have in my evidence',
  ]),
  ...of('export my journey', 'student', [
    'export my learning journey',
    'download my journey as a document',
    'i want to print my learning journey',
    'export my journey for assessment',
    'a csv of my journey please',
  ]),
  ...of('share my journey with <email>', 'student', [
    'let my assessor see my journey',
    'share my learning journey with my tutor',
    'send a read only copy of my journey to my assessor',
    'my link lecturer wants to see my evidence',
    'share my journey with a.khan@uni.ac.uk',
  ]),
  ...of('presentation starter', 'student', [
    'make my presentation slides',
    'a powerpoint of my placement for the final presentation',
    'help me start my final presentation',
    'i need a slide deck of my learning journey',
    'create powerpoint slides from my journey',
  ]),
  ...of('shared reflections', 'supervisor', [
    'reflections my supervisees shared with me',
    'any shared reflections',
    'show me reflections from my students',
    'see the reflections shared with me',
    'reflections i need to give feedback on',
  ]),
  ...of('export journey <student email>', 'supervisor', [
    "export a student's learning journey",
    "download my student's journey",
    "export my supervisee's journey",
    'export the journey of one of my students',
    "i need to export a student's shared reflections",
  ]),
  ...of('reflection prompts', 'lead', [
    'set the reflection prompts',
    'change when reflection prompts are sent',
    'reflection prompts for the cohort',
    'turn reflection prompts off on fridays',
    'which days get reflection prompts',
  ]),
  ...of('peer reflections', 'student', [
    'read my peers reflections',
    'reflections shared by other students',
    'what did my project team share',
    'see peer reflections',
    'reflections my classmates shared',
  ]),
  ...of('reflective workshop', 'lead', [
    'post the reflective workshop prompt',
    'start the reflective workshop in the channel',
    'reflective workshop please',
    'run a reflective workshop for the cohort',
    'post a reflection prompt to the cohort',
  ]),
  ...of('book a conversation', 'student', [
    'could i book in with someone from physiotherapy',
    'I want to book a conversation with the practice education lead',
    'can i meet a speech and language therapist',
    'book a 20 minute conversation with a dietitian',
    'i would like to talk to an AHP leader',
  ]),
  ...of('my bookings', 'student', [
    'when is my next conversation',
    'cancel my chat with the EDI lead',
    'what have i booked',
    'move my conversation to next week',
    'show my booked conversations',
  ]),
  ...of('my slots', 'ahp-host', [
    'publish more slots',
    'add slots for tuesday',
    'manage my slots',
    'remove a slot',
    'my 20 minute slots',
  ]),
  ...of('my host profile', 'ahp-host', [
    'edit my bio',
    'change where i meet students',
    'update my online link',
    'update my host profile',
    'change my cap',
  ]),
  ...of('conversations report', 'lead', [
    'conversation report please',
    'how many conversations have happened',
    'which students have not booked a conversation',
    'report on the 20 minute chats',
    'professions students have met',
  ]),
  ...of('surveys', 'student', [
    'is there a survey',
    'do the survey',
    'open surveys',
    'fill in the questionnaire',
    'answer the confidence survey',
  ]),
  ...of('compare cohorts', 'lead', [
    'compare cohort 2 with cohort 1',
    'compare cohorts please',
    'compare confidence between my cohorts',
    'how do my cohorts compare',
    'compare the results of the cohorts',
  ]),
  ...of('run survey', 'lead', [
    'run a survey',
    'send the survey out',
    'schedule a confidence survey',
    'start the after placement survey',
    'send an anonymous survey to the cohort',
  ]),
  ...of('announce', 'lead', [
    'make an announcement to the cohort',
    'send a message to all the students',
    'announce the room change',
    'write a new announcement',
    'let the cohort know about friday',
  ]),
  ...of('announcements', 'lead', [
    'who read my announcement',
    'announcement acknowledgements',
    'show my announcements',
    'who has not read the announcement',
    'recent announcements please',
  ]),
  ...of('manage cohorts', 'lead', [
    'manage cohort',
    'change the cohort calendar',
    'add a supervisor to the cohort',
    'update the cohort roster',
    'set up the new cohort',
  ]),
  ...of('link cohort', 'lead', [
    'link this channel to the cohort',
    'connect the cohort to this channel',
    'link cohort please',
    'make this channel the cohort one',
    'link channel',
  ]),
  ...of('new project', 'supervisor', [
    'i need to create a project',
    'new qi project',
    'set up a new project',
    'add a new project for the team',
    'make a project',
  ]),
  ...of('my project', 'student', [
    'our project',
    'update on my project',
    'my project milestones',
    'project presentation date',
    'my qi project please',
  ]),
  ...of('projects', 'lead', [
    'all projects please',
    'list projects',
    'show me the projects',
    'projects in my cohorts',
    'the projects i supervise',
  ]),
  ...of('new event', 'lead', [
    'new study day for the cohort please',
    'create a careers expo event',
    'invite students to an event',
    'set up a workshop for the cohort',
    'make an event',
  ]),
  ...of('events', 'student', [
    'upcoming events please',
    'events i have been invited to',
    'when is the preceptorship study day',
    'rsvp to an event',
    'show events',
  ]),
  ...of('export my data', 'student', [
    'export all my data',
    'what information do you hold on me',
    'download everything you have on me',
    'copy of my data please',
    'data export',
  ]),
  ...of('raise a concern', 'student', [
    'i would like to report a problem with my placement',
    'report something that happened on the ward',
    'can i make an anonymous report',
    'i need to flag poor practice',
    'speak up about my placement',
  ]),
  ...of('delete my data', 'student', [
    'delete my data please',
    'erase all my data',
    'remove everything about me',
    'delete everything you have on me',
    'wipe my data',
  ]),
];

/**
 * Written after the held-out set, for the misreads of a student asking about their placement
 * (a day, their supervisor, how long is left) and a lead telling the cohort something. Kept
 * apart so the held-out accuracy stays comparable; training never sees these either.
 */
export const HELD_OUT_ASKS: Labelled[] = [
  ...of('my placement', 'student', [
    'is it clinical or leadership for me on monday',
    'am i clinical or leadership on wednesday',
    'who is supervising me',
    'whos supervising me this placement',
    'how long till my placement ends',
    'how long have i got left on placement',
    'whens my final day',
    'when is my last day on placement',
    'is wednesday a clinical day',
    'what am i doing on tuesday',
    'am i in next friday',
    'is the 26th of may a bank holiday',
    'do i have placement on the 12th of may',
  ]),
  ...of('announce', 'lead', [
    'let my students know about the study day',
    'tell the cohort about monday',
    'let everyone in the cohort know the session moved',
    'send the cohort a message about tuesday',
    'let the students know about thursday',
  ]),
];

/**
 * Words of distress, harassment, bullying or a safety concern, as people write them. Every one
 * must get the kind answer, from any role.
 */
export const DISTRESS: string[] = [
  "I'm struggling this week and need to talk to someone",
  'im really struggling',
  "I can't cope with placement anymore",
  'not coping well at all',
  'I think I want to quit the course',
  "I've been thinking about leaving the programme",
  'one of the staff keeps bullying me',
  'I am being bullied by my educator',
  'someone on the ward has been harassing me',
  'I was sexually harassed at work',
  'a consultant made a racist comment to me',
  'my supervisor shouted at me in front of patients',
  'I feel unsafe on the ward',
  "I don't feel safe going back",
  'I have a patient safety concern',
  'I feel so overwhelmed',
  'I had a panic attack after placement',
  'I feel really low and alone',
  "I'm not ok",
  "honestly I'm not okay",
  'I keep crying every night',
  "I'm so stressed I can't sleep",
  'I feel like giving up',
  'I feel hopeless',
  'I have been self harming again',
  'I want to hurt myself',
  'I want to end my life',
  'i feel suicidal',
  "I'm burnt out and exhausted",
  'my anxiety is really bad this week',
  'i feel depressed',
  "I've been feeling low for weeks",
  'the team keep picking on me and singling me out',
  'I was humiliated in the MDT meeting',
  'I want to raise a concern about how I am treated',
  'im being discriminated against because of my race',
  'everything is too much',
  'i am scared to go back to placement',
];
