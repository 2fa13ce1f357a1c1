// What the model reads out of a long text, kept per text: an agent's spans repeat their system prompt, tool
// schemas and conversations (the store hands each text over as one string object), so each is parsed once
// however many spans carry it. Bounded by the characters of the texts kept: past that the older half is
// forgotten (two generations, a hit moves a text to the young one). Values handed out are shared between
// steps: the model and its readers never change them in place.

/** Per memo and generation: a few MB of texts (their parsed values weigh a few times that). */
const maxChars = 4 * 2 ** 20;

/**
 * A long text is keyed by its last characters, and a hit is checked against the whole text kept with it:
 * a Map hashes the whole of a string key, ~2.4 us for a 2 KB conversation (more than reading it), while
 * texts that are the same are mostly the same string object (one compare) and new ones differ at their end
 * (the newest message). Texts whose ends are alike (only a miss each) take each other's place.
 */
const tailChars = 128;
const keyOf = (text: string) => (text.length > 2 * tailChars ? text.slice(-tailChars) : text);

interface Kept<T> {
  text: string;
  value: T;
}

export class TextMemo<T> {
  private young = new Map<string, Kept<T>>();
  private old = new Map<string, Kept<T>>();
  private chars = 0;

  /** `compute`'s value for `text`, computed once (an undefined value is computed again each time). */
  get(text: string, compute: (text: string) => T): T {
    const key = keyOf(text);
    const kept = this.young.get(key);
    if (kept !== undefined && kept.text === text && kept.value !== undefined) return kept.value;
    // A miss (most texts of a session of unique conversations) looks up twice, not four times.
    const older = this.old.get(key);
    const value = older !== undefined && older.text === text && older.value !== undefined ? older.value : compute(text);
    if (this.chars + text.length > maxChars) {
      this.old = this.young;
      this.young = new Map();
      this.chars = 0;
    }
    this.young.set(key, { text, value });
    this.chars += text.length;
    return value;
  }
}

/**
 * Whether to ask a memo at all. A session whose values never repeat (each call its own prompt) only pays for
 * its memos: after `freshRun` lookups in a row that found nothing, only one in `firstEvery` asks (and fills
 * the memo), and each of those that finds nothing again halves how often, down to one in `lastEvery`; one
 * that finds something starts over. (One in 8 for good cost a model of 100k unique ~3 KB prompts ~10% of its time.)
 */
export class MemoSampling {
  private fresh = 0;
  private passed = 0;
  private every = firstEvery;

  ask(): boolean {
    if (!this.backingOff) return true;
    if (++this.passed < this.every) return false;
    this.passed = 0;
    return true;
  }

  /** Whether lookups are being skipped (a run of texts found nowhere): then only one in `every` asks. */
  get backingOff(): boolean {
    return this.fresh >= freshRun;
  }

  /** What a lookup that asked found. */
  found(hit: boolean): void {
    if (hit) {
      this.fresh = 0;
      this.every = firstEvery;
    } else if (++this.fresh > freshRun) this.every = Math.min(lastEvery, this.every * 2);
  }
}
const freshRun = 64;
const firstEvery = 8;
const lastEvery = 128;
