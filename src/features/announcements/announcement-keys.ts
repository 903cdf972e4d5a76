/**
 * The names an announcement leaves in shared places: outbox purposes and batches, job types
 * and keys, dedupe keys. Deterministic, so a re-run (a job retry after a crash, a double
 * click) lands on the same outbox item or job instead of making a second one.
 */
export const PURPOSE = 'announcement';
export const REPORT_PURPOSE = 'announcement.report';
export const JOB_SEND = 'announcement.send';
export const JOB_REMIND = 'announcement.remind';

export const batchOf = (announcementId: string) => `announcement:${announcementId}`;
export const reminderBatchOf = (announcementId: string) => `announcement:${announcementId}:remind`;
export const editBatchOf = (announcementId: string, revision: number) =>
  `announcement:${announcementId}:edit:${revision}`;
/** The copies sent by the n-th "resend to those not reached" (n = 1, 2, …). */
export const resendBatchOf = (announcementId: string, round: number) =>
  `announcement:${announcementId}:resend:${round}`;
export const resendBatchesOf = (announcementId: string, rounds: number) =>
  Array.from({ length: rounds }, (_, i) => resendBatchOf(announcementId, i + 1));
export const recallBatchOf = (announcementId: string) => `announcement:${announcementId}:recall`;
export const sendJobKey = (announcementId: string) => `announcement.send:${announcementId}`;
export const remindJobKey = (announcementId: string) => `announcement.remind:${announcementId}`;
export const personDedupeKey = (announcementId: string, personId: string) =>
  `announcement:${announcementId}:send:person:${personId}`;
export const channelDedupeKey = (announcementId: string) => `announcement:${announcementId}:send:channel`;
