// The time-travel toolbar's icon-only buttons show their glyphs, in the graph webview and in the HTML report,
// dark and light: the codicon character is the computed content INSIDE the shadow roots, and pixels are drawn.
import * as assert from 'node:assert/strict';
import { loadFixture } from './graphFixtures';
import { openGraph } from './graphPage';
import { iconGlyphs, isCodiconGlyph, type IconGlyph } from './iconGlyphs';
import { openReport } from './reportPage';

/** The 14 icon-only buttons: first/back/play/forward/last, LLM/Tool/Error prev/next, zoom out/in/fit. */
const toolbarButtons = ['tb-first', 'tb-back', 'tb-play', 'tb-forward', 'tb-last', 'tb-prev-llm', 'tb-next-llm', 'tb-prev-tool', 'tb-next-tool',
  'tb-prev-error', 'tb-next-error', 'tb-zoom-out', 'tb-zoom-in', 'tb-zoom-fit'];

function assertDrawn(glyphs: IconGlyph[]): void {
  assert.deepEqual(glyphs.map((g) => g.id).sort(), [...toolbarButtons].sort());
  for (const g of glyphs) {
    assert.ok(isCodiconGlyph(g), `${g.id}: glyph U+${g.codePoint.toString(16)} in ${g.fontFamily || 'no font'} is not a codicon`);
    assert.ok(g.inkPixels >= 6, `${g.id}: its pixels are a flat fill (${g.inkPixels} ink pixels)`);
  }
}

describe('webview: toolbar icon glyphs are drawn (graph webview and HTML report, dark and light)', function () {
  this.timeout(90_000);
  const vercel = loadFixture('vercel-ai-agent');

  for (const theme of ['dark', 'light'] as const) {
    it(`graph webview, ${theme}`, async () => {
      const g = await openGraph({ session: vercel.session, raw: vercel.inputs, theme });
      try {
        await g.page.locator('.node').first().waitFor();
        assertDrawn(await iconGlyphs(g.page));
      } finally {
        await g.close();
      }
    });

    it(`HTML report, ${theme}`, async () => {
      const r = await openReport(vercel, { colorScheme: theme });
      try {
        assertDrawn(await iconGlyphs(r.page));
        assert.deepEqual([...r.attempted, ...r.errors], [], 'no requests, no errors');
      } finally {
        await r.close();
      }
    });
  }
});
