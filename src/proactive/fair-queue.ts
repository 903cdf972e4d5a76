/**
 * The sender's in-memory queue: one FIFO per tenant, taken round-robin, preferring a tenant
 * whose rate budget has room now. Why: Teams limits each tenant separately (per app per
 * tenant), so with one FIFO a large fan-out in one tenant would hold every worker waiting on
 * that tenant's limit while another tenant's messages sit behind it. Order within a tenant
 * is kept (a recipient's edit never overtakes the message it edits).
 */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length() {
    return this.items.length - this.head;
  }

  push(item: T) {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    // Drop the taken prefix now and then, so a long fan-out does not keep it alive.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class TenantFairQueue<T extends { tenantId: string }> {
  private readonly byTenant = new Map<string, Fifo<T>>();
  /** Tenants with items, the next to serve first. */
  private order: string[] = [];
  private count = 0;

  get length() {
    return this.count;
  }

  push(item: T): void {
    let fifo = this.byTenant.get(item.tenantId);
    if (!fifo) {
      fifo = new Fifo<T>();
      this.byTenant.set(item.tenantId, fifo);
      this.order.push(item.tenantId);
    }
    fifo.push(item);
    this.count++;
  }

  /**
   * The next item: from the first tenant in turn whose wait is 0, else from the tenant with
   * the shortest wait. The tenant served goes to the back of the turn.
   */
  shift(waitOf: (tenantId: string) => number): T | undefined {
    if (this.count === 0) return undefined;
    let chosen = 0;
    let shortest = Infinity;
    for (let i = 0; i < this.order.length; i++) {
      const wait = waitOf(this.order[i]!);
      if (wait < shortest) {
        shortest = wait;
        chosen = i;
        if (wait === 0) break;
      }
    }
    const tenantId = this.order[chosen]!;
    const fifo = this.byTenant.get(tenantId)!;
    const item = fifo.shift()!;
    this.count--;
    this.order.splice(chosen, 1);
    if (fifo.length > 0) this.order.push(tenantId);
    else this.byTenant.delete(tenantId);
    return item;
  }

  clear(): void {
    this.byTenant.clear();
    this.order = [];
    this.count = 0;
  }
}
