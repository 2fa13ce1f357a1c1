// Codicon glyphs inside vscode-elements' shadow roots. <vscode-icon> (used by every icon button) draws its
// glyph in a shadow root, which the page's codicon rules do not reach; the library copies them in only as a
// <link href> to the page's codicon.css, and a webview that fetches nothing has no such link (its codicon.css
// is an inline <style id="vscode-codicon-stylesheet">, core/webviewAssets.ts). So every icon adopts one
// constructed copy of those rules. The @font-face stays the page's: fonts declared there reach shadow trees.
import { VscodeIcon } from '@vscode-elements/elements/dist/vscode-icon/vscode-icon.js';

/** Call before the first icon renders: lit adopts a class's elementStyles when an instance's shadow root is made. */
export function adoptCodiconsInShadowRoots(doc: Document = document): void {
  const page = doc.getElementById('vscode-codicon-stylesheet');
  const rules = page instanceof HTMLStyleElement ? page.sheet?.cssRules : undefined;
  if (!rules) return;
  const sheet = new CSSStyleSheet();
  // Without the @font-face: its data: URL is ~100 kB and the page's face already serves the shadow trees.
  sheet.replaceSync([...rules].filter((r) => !(r instanceof CSSFontFaceRule)).map((r) => r.cssText).join('\n'));
  VscodeIcon.elementStyles.push(sheet);
}
