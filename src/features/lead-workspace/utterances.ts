/** How people write this feature's commands (training for src/understanding). Data only. */
import type { Utterances } from '../../understanding/utterances.js';

export const leadWorkspaceUtterances: Utterances = {
  'manage cohorts': [
    'manage cohorts',
    'set up a new cohort',
    'change the cohort dates',
    'add a student to the cohort',
    'add a supervisor',
    'edit the roster',
    'add a study day',
    'change the placement calendar',
    'my cohorts',
    'add an AHP host to the directory',
    'create a cohort',
    'change non placement days',
    'mange cohorts',
    'remove someone from the cohort',
    'manage my cohorts',
    'set up a cohort',
    'change cohort dates',
    'add a student to a cohort',
    'edit cohort roster',
    'add a non placement day',
  ],
};
