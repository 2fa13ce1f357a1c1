// Browser-facing guards. The receiver is for local processes; a web page must not be able to post to
// it (Origin check) nor reach it through a DNS name rebound to 127.0.0.1 (Host check).

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const PORT_SUFFIX = /^:\d{1,5}$/;

/**
 * Whether a Host header names this machine: localhost, any 127.x.x.x, or [::1], with or without a
 * port. A missing header is allowed (HTTP/1.0 tools; browsers always send one).
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    if (close < 0) return false;
    const rest = h.slice(close + 1);
    if (rest !== '' && !PORT_SUFFIX.test(rest)) return false;
    const ip = h.slice(1, close);
    return ip === '::1' || ip === '0:0:0:0:0:0:0:1' || IPV4_LOOPBACK.test(ip.replace(/^::ffff:/, ''));
  }
  const colon = h.indexOf(':');
  if (colon >= 0 && !PORT_SUFFIX.test(h.slice(colon))) return false;
  let name = colon >= 0 ? h.slice(0, colon) : h;
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name === 'localhost' || IPV4_LOOPBACK.test(name);
}

function normaliseOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}

/** Origins in the form browsers send them ("http://localhost:3000"), compared case-insensitively. */
export class OriginPolicy {
  private readonly allowed: Set<string>;
  private readonly any: boolean;

  constructor(allowedOrigins: readonly string[]) {
    this.allowed = new Set(allowedOrigins.map(normaliseOrigin));
    this.any = this.allowed.has('*');
  }

  allows(origin: string): boolean {
    return this.any || this.allowed.has(normaliseOrigin(origin));
  }
}

export function hostRefusal(host: string): string {
  return `Host "${host.slice(0, 100)}" is not a loopback name. This OTLP receiver only answers requests addressed to ` +
    'localhost, 127.0.0.1 or [::1] (a guard against DNS rebinding); point the exporter at http://127.0.0.1:<port>.';
}

export function originRefusal(origin: string): string {
  return `Origin "${origin.slice(0, 100)}" is not allowed to post to this OTLP receiver. To accept spans from that web ` +
    'page, add the origin to the agentDebugger.receiver.allowedOrigins setting (or pass it in allowedOrigins).';
}
