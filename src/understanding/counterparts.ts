/**
 * The same question asked from another role: a supervisor's "who hasn't checked in" is phrased
 * like a lead's `cohort status` and a student's `my check-ins`, but the supervisor's answer is
 * `my students`. When the caller may not use the command a phrasing is likeliest for, its score
 * counts for the caller's counterpart, if they have one. Data only; tried in order.
 */
export const COUNTERPARTS: Readonly<Record<string, readonly string[]>> = {
  'cohort status': ['my students'],
  'my check-ins': ['my students'],
  'check in': ['my students'],
  'my students': ['cohort status'],
  'export my journey': ['export journey <student email>'],
  'my journey': ['my students'],
  'peer reflections': ['shared reflections'],
  'my reflections': ['shared reflections'],
  'shared reflections': ['my reflections'],
  'book a conversation': ['my slots'],
  'my project': ['projects'],
};
