/** The roles a person can hold in a tenant (a person may hold several). */
export const ROLES = ['student', 'supervisor', 'ahp-host', 'lead', 'admin'] as const;
export type Role = (typeof ROLES)[number];
