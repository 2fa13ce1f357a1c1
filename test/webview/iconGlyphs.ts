// What a person sees of the icon-only buttons (vscode-elements' <vscode-button icon-only>): the glyph drawn
// inside the button's and its <vscode-icon>'s shadow roots, and the button's own pixels. The font having
// loaded says nothing about either (the icons were blank while it was loaded). Works on a Page or a Frame
// (a VS Code webview's), so the webview tests, the HTML report and e2e ask the same questions.
import type { Frame, Page } from 'playwright-core';

// The browser globals the page-side functions use (the tests compile without the DOM library).
interface Pixels { data: Uint8ClampedArray; width: number; height: number }
interface ShadowLike { querySelector(s: string): { shadowRoot?: ShadowLike | null } | null }
interface Bitmap { width: number; height: number }
declare function getComputedStyle(el: unknown, pseudo: string): { content: string; fontFamily: string };
declare function createImageBitmap(blob: Blob): Promise<Bitmap>;
declare class OffscreenCanvas {
  constructor(w: number, h: number);
  getContext(kind: '2d'): { drawImage(b: Bitmap, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): Pixels } | null;
}

export interface IconGlyph {
  id: string;
  /** The glyph's code point, from the computed `content` of the codicon ::before in the shadow root (0: none). */
  codePoint: number;
  fontFamily: string;
  /** Pixels in the button's middle that differ from its background (0: a flat fill). */
  inkPixels: number;
}

type Scope = Page | Frame;

/** Every visible icon-only vscode-button under `selector`: its glyph and how many pixels it draws. */
export async function iconGlyphs(scope: Scope, selector = '.toolbar'): Promise<IconGlyph[]> {
  const buttons = scope.locator(`${selector} vscode-button[icon-only]`);
  const out: IconGlyph[] = [];
  for (const button of await buttons.all()) {
    if (!(await button.isVisible())) continue;
    const glyph = await button.evaluate((b) => {
      const span = (b as unknown as { shadowRoot?: ShadowLike }).shadowRoot?.querySelector('vscode-icon')?.shadowRoot?.querySelector('.codicon');
      if (!span) return { content: '', fontFamily: '' };
      const style = getComputedStyle(span, '::before');
      return { content: style.content, fontFamily: style.fontFamily };
    });
    const text = /^"(.*)"$/su.exec(glyph.content)?.[1] ?? '';
    const png = await button.screenshot({ animations: 'disabled' });
    out.push({ id: (await button.getAttribute('id')) ?? '?', codePoint: text.codePointAt(0) ?? 0, fontFamily: glyph.fontFamily, inkPixels: await inkPixels(scope, png) });
  }
  return out;
}

/** A codicon: one character in the Private Use Area (U+E000..U+F8FF), drawn with the codicon font. */
export function isCodiconGlyph(g: IconGlyph): boolean {
  return g.codePoint >= 0xe000 && g.codePoint <= 0xf8ff && /codicon/.test(g.fontFamily);
}

/** Decodes the PNG in the page itself (createImageBitmap on a Blob: no URL, so no CSP or network involved). */
async function inkPixels(scope: Scope, png: Buffer): Promise<number> {
  return scope.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    // The middle half of the button (its border and corners aside), against its top-left background pixel there.
    const x0 = Math.floor(bitmap.width / 4), y0 = Math.floor(bitmap.height / 4);
    const { data, width, height } = ctx.getImageData(x0, y0, Math.max(1, Math.ceil(bitmap.width / 2)), Math.max(1, Math.ceil(bitmap.height / 2)));
    const bg = [data[0], data[1], data[2]];
    let ink = 0;
    for (let i = 0; i < width * height * 4; i += 4) if (Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1]) + Math.abs(data[i + 2] - bg[2]) > 60) ink++;
    return ink;
  }, png.toString('base64'));
}
