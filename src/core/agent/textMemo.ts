// What the model reads out of a long text, kept per text: an agent's spans repeat their system prompt, tool
// schemas and conversations (the store hands each text over as one string object), so each is parsed once
// however many spans carry it. Bounded by the characters of the texts kept: past that the older half is
// forgotten (two generations, a hit moves a text to the young one). Values handed out are shared between
// steps: the model and its readers never change them in place.

/** Per memo and generation: a few MB of texts (their parsed values weigh a few times that). */
const maxChars = 4 * 2 ** 20;

export class TextMemo<T> {
  private young = new Map<string, T>();
  private old = new Map<string, T>();
  private chars = 0;

  /** `compute`'s value for `text`, computed once (an undefined value is computed again each time). */
  get(text: string, compute: (text: string) => T): T {
    let value = this.young.get(text);
    if (value !== undefined) return value;
    // A miss (most texts of a session of unique conversations) looks up twice, not four times.
    value = this.old.get(text) ?? compute(text);
    if (this.chars + text.length > maxChars) {
      this.old = this.young;
      this.young = new Map();
      this.chars = 0;
    }
    this.young.set(text, value);
    this.chars += text.length;
    return value;
  }
}
