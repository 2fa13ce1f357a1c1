// Decimal Unix nanoseconds (OTLP's fixed64 times, as the decoders give them) -> milliseconds. Split in two
// so that both halves stay exact doubles: the result keeps ~0.2 µs precision, plenty for ordering and
// layout. Digits are read by hand (several calls a span on the ingest and model paths): the same result as
// Number() on the halves, without slicing strings.

/** Up to 15 digits before the split keep the whole milliseconds an exact integer. */
const MAX_WHOLE_DIGITS = 15;

/** ns -> ms (NaN for a text that is no number). */
export function nsToMs(ns: string): number {
  const ms = wholeMs(ns) + fracNs(ns) / 1e6;
  return Number.isFinite(ms) ? ms : bySlices(ns);
}

/** What the digit readers compute, for the texts they refuse (signs, spaces, exponents, more than 21 digits). */
function bySlices(ns: string): number {
  if (ns.length <= 6) return Number(ns) / 1e6;
  return Number(ns.slice(0, -6)) + Number(ns.slice(-6)) / 1e6;
}

/** end - start in ms, computed on the split halves so a long duration keeps sub-µs precision. */
export function durationMs(startNs: string, endNs: string): number {
  const ms = wholeMs(endNs) - wholeMs(startNs) + (fracNs(endNs) - fracNs(startNs)) / 1e6;
  if (Number.isFinite(ms)) return ms;
  if (startNs.length <= 6 || endNs.length <= 6) return (Number(endNs) - Number(startNs)) / 1e6;
  return Number(endNs.slice(0, -6)) - Number(startNs.slice(0, -6)) + (Number(endNs.slice(-6)) - Number(startNs.slice(-6))) / 1e6;
}

/** The digits before the last six as a number; NaN when not plain digits or too many of them. */
function wholeMs(ns: string): number {
  const split = ns.length - 6;
  if (split <= 0 || split > MAX_WHOLE_DIGITS) return split > MAX_WHOLE_DIGITS ? NaN : 0;
  let whole = 0;
  for (let i = 0; i < split; i++) {
    const d = ns.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    whole = whole * 10 + d;
  }
  return whole;
}

/** The last six digits (all of a shorter string) as a number; NaN when not plain digits. */
function fracNs(ns: string): number {
  let frac = 0;
  for (let i = Math.max(0, ns.length - 6); i < ns.length; i++) {
    const d = ns.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    frac = frac * 10 + d;
  }
  return frac;
}
