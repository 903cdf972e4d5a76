/** How people write this feature's commands (training for src/understanding). Data only. */
import type { Utterances } from '../../understanding/utterances.js';

export const concernsUtterances: Utterances = {
  'raise a concern': [
    'raise a concern',
    'i want to report something',
    'report a concern',
    'how do I report something that happened on placement',
    'i need to report something unsafe',
    'report something anonymously',
    'can I report this anonymously',
    'speak up about something',
    'i saw something that was not right',
    'who do i tell about poor practice',
    'report poor care',
    'make a complaint about my placement',
    'i want to make a complaint',
    'report a colleague',
    'report unprofessional behaviour',
    'flag a problem with my placement',
    'tell someone about a problem on the ward',
    'anonymous report',
    'speak up form',
    'freedom to speak up form',
    'how do i raise an issue',
    'raise an issue about my placement',
    'i need to tell the ftsu guardian about something that happened',
    'contact the freedom to speak up guardian about a concern',
  ],
};
