// A detector's hit inside one piece of text, before it is tied to a step.
export interface TextMatch {
  rule: string;
  offset: number;
  /** The matched text as found (masking happens when a finding is made). */
  text: string;
  why: string;
}

/** Text longer than this is scanned up to here only: a hostile span must not freeze the host. */
export const maxScanChars = 200_000;

/** Shortens matched text for display, on one line. */
export function shorten(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/** Every match of a global regex, with offsets; collected first, so a nested scan with the same regex is safe. */
export function matchesOf(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') re.lastIndex++;
    out.push(m);
  }
  return out;
}
