/**
 * Tenant ids name whose data a document is. They come from outside (an activity, a tab token,
 * the command line), so they are checked against one strict pattern where they enter: Entra ID
 * tenant ids are GUIDs, and local development uses short slugs such as "local-tenant". Neither
 * may carry `|`, which separates the tenant from the rest of a document id.
 */
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

export function isValidTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID.test(value);
}

export class InvalidTenantIdError extends Error {
  override readonly name = 'InvalidTenantIdError';
}

export function assertTenantId(value: unknown, where: string): string {
  if (!isValidTenantId(value))
    throw new InvalidTenantIdError(`${where}: a tenant id is letters, digits and - only (up to 64)`);
  return value;
}

/** The tenant segment of an id minted as `<tenantId>|…`, or null when it has none. */
export function tenantSegment(id: unknown): string | null {
  if (typeof id !== 'string') return null;
  const bar = id.indexOf('|');
  return bar > 0 ? id.slice(0, bar) : null;
}
