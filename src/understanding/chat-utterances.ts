/**
 * Chat intents that are not a feature's command: greetings and thanks, and the words of
 * someone who needs support (a second net under the phrase list in ./distress.ts; the kind
 * answer never depends on this classifier alone). Data only.
 */
import type { Utterances } from './utterances.js';

export const HELLO = 'hello';
export const THANKS = 'thanks';
export const SUPPORT = 'support';
/** NLP.js's out-of-scope intent: what the bot has no command for. */
export const NONE = 'None';

export const chatUtterances: Utterances = {
  [HELLO]: [
    'hi',
    'hello',
    'hey',
    'hiya',
    'good morning',
    'good afternoon',
    'hey there',
    'hello placement companion',
    'morning!',
    'hi bot',
    'helo',
    'yo',
    'hi, is anyone there?',
    'hey hey',
    'hi there!',
    'hello :)',
    'good evening',
    'hey bot',
    'hiii',
    'morning',
  ],
  [THANKS]: [
    'thanks',
    'thank you',
    'cheers',
    'ta',
    'thanks a lot',
    'brilliant, thank you',
    'thx',
    'great thanks',
    'perfect, cheers',
    'thank u',
    'lovely, thanks',
    'ok thanks',
    'much appreciated',
    'nice one',
    'thank you so much',
    'thanks!!',
    'cheers mate',
    'ty',
    'thanks very much',
    'ace, thanks',
  ],
  [SUPPORT]: [
    "I'm struggling this week and need to talk to someone",
    'I feel like I cannot cope',
    'I am being bullied on placement',
    'I feel really low',
    "I don't feel safe on the ward",
    'my educator keeps shouting at me',
    'I want to quit the course',
    'I keep crying after placement',
    'I feel so anxious I cannot sleep',
    'someone on the team made an inappropriate comment about me',
    'I am really stressed and overwhelmed',
    'I need to talk to someone about something that happened',
    'I feel like giving up',
    'I am not ok',
    'everything is too much right now',
    'I was harassed by a member of staff',
  ],
  // Out of scope: small talk and questions the bot has no command for, so that they score
  // as "none" rather than as the nearest command.
  [NONE]: [
    "what's the weather like",
    'tell me a joke',
    'who are you',
    'are you a real person',
    'where is the canteen',
    'what is the wifi password',
    'can you order lunch',
    'who won the match last night',
    'I am on the bus',
    'I am at the hospital today',
    'my name is Sam',
    'I like this placement',
    'the coffee machine is broken',
    'where do I park',
    'what time does the ward open',
    'how old are you',
    'sing me a song',
    'what is 2 plus 2',
    'I am a physio student',
    'it is raining again',
    'see you tomorrow',
    'is it friday yet',
    'blah blah',
    'test',
  ],
};
