// Finding the file and line a prompt came from. A recorded prompt is the template with its variables
// filled in, so a template line is reduced to its literal fragments (the text between placeholders) and
// a recorded line matches when every fragment appears in it, in order. Lines are found through an
// anchor: the first `anchorLength` characters of a line's longest fragment, looked up at every offset of
// the recorded line.

export const anchorLength = 16;

/** {name}, {{ name }}, ${expr}, {% tag %}, {#comment#}, %(name)s, %s, <<name>> */
const placeholder = /\{\{[^}]*\}\}|\{%[^%]*%\}|\{#[^#]*#\}|\$\{[^}]*\}|\{[A-Za-z_][\w.[\]'"-]*(?:![rsa])?(?::[^}]*)?\}|%\([A-Za-z_]\w*\)[sdrf]|%[sdrf]|<<[A-Za-z_]\w*>>/g;

export interface TemplateLine {
  /** 1-based line in its file. */
  line: number;
  /** Normalised literal fragments, in order; the longest is at least anchorLength long. */
  fragments: string[];
  anchor: string;
}

/** Whitespace collapsed and case folded: prompts are re-wrapped and re-indented on their way. */
export function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The prompt text a source line may carry: code punctuation around string literals removed. */
function literalText(line: string): string {
  return line
    .replace(/^\s*(?:[A-Za-z_$][\w$.]*\s*[:=]\s*)?(?:[rbfuRBFU]{0,2}(?:"""|'''|["'`]))?/, '')
    .replace(/(?:"""|'''|["'`])\s*[,;+)\]}]*\s*(?:\+|\\)?\s*$/, '');
}

/** Template lines of one file (a code line with `\n` escapes yields one per segment). */
export function templateLines(text: string, isCode: boolean): TemplateLine[] {
  const out: TemplateLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.length > 4000) return;
    const content = isCode ? literalText(raw) : raw;
    for (const segment of isCode ? content.split(/\\n/) : [content]) {
      const fragments = segment.split(placeholder).map(normalise).filter((f) => f.length > 0);
      const longest = fragments.reduce((a, b) => (b.length > a.length ? b : a), '');
      if (longest.length < anchorLength) continue;
      out.push({ line: i + 1, fragments, anchor: longest.slice(0, anchorLength) });
    }
  });
  return out;
}

/** Recorded prompt lines worth looking for: long enough to be distinctive. */
export function promptLines(prompt: string): string[] {
  const seen = new Set<string>();
  for (const l of prompt.split(/\r?\n|\\n/)) {
    const n = normalisedLine(l);
    if (n.length >= anchorLength) seen.add(n);
  }
  return [...seen];
}

/** Lines already normalised: a conversation sends its earlier turns again in every call. Bounded. */
const normalisedLines = new Map<string, string>();
const maxNormalisedLines = 50_000;

function normalisedLine(line: string): string {
  let n = normalisedLines.get(line);
  if (n === undefined) {
    if (normalisedLines.size >= maxNormalisedLines) normalisedLines.clear();
    normalisedLines.set(line, (n = normalise(line)));
  }
  return n;
}

/** Every fragment of the template line occurs in the recorded line, in order. */
export function fragmentsMatch(fragments: string[], recorded: string): boolean {
  let from = 0;
  for (const f of fragments) {
    const at = recorded.indexOf(f, from);
    if (at < 0) return false;
    from = at + f.length;
  }
  return true;
}
