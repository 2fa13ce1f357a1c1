// The bytes of request bodies being read, inflated and decoded at once, across every request and both
// transports. Each request holds a lease on what it keeps in memory until its answer is sent; past the
// cap a request is refused (429 + Retry-After) rather than buffered, so many concurrent large bodies
// cannot exhaust the process. One request alone always fits (up to the body cap): nothing waits forever.

export class InFlightBudget {
  private used = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes held by all leases. */
  get bytes(): number {
    return this.used;
  }

  lease(): InFlightLease {
    return new InFlightLease(this);
  }

  /** @internal for InFlightLease */
  grant(lease: InFlightLease, n: number): boolean {
    // Alone, a request may take up to the body cap; with others in flight, only what is left.
    if (this.used !== lease.held && this.used + n > this.maxBytes) return false;
    this.used += n;
    return true;
  }

  /** @internal for InFlightLease */
  giveBack(n: number): void {
    this.used -= n;
  }

  /** Whether `n` more bytes would be taken now (a quick answer before reading a declared length). */
  fits(n: number): boolean {
    return this.used === 0 || this.used + n <= this.maxBytes;
  }

  /** The refusal's text, with the figures. */
  refusal(): string {
    const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
    return `${mib(this.used)} of request bodies in flight already (cap ${mib(this.maxBytes)}); retry later`;
  }
}

export class InFlightLease {
  held = 0;

  constructor(private readonly budget: InFlightBudget) {}

  /** Takes n more bytes; false (and nothing taken) when the budget has no room. */
  take(n: number): boolean {
    if (!this.budget.grant(this, n)) return false;
    this.held += n;
    return true;
  }

  release(): void {
    this.budget.giveBack(this.held);
    this.held = 0;
  }
}

/** How long a refused sender should wait: bodies of this size are read and decoded in about a second. */
export const inFlightRetryAfterSeconds = 2;
