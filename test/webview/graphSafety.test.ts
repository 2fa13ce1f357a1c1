// The trace graph on the recorded poisoned-agent run: nodes with safety findings carry a badge naming the
// kinds, and the taint path's edges (fetch_page -> LLM -> send_email) are drawn as taint.
import * as assert from 'node:assert/strict';
import { loadFixture } from './graphFixtures';
import { openGraph, type GraphHarness } from './graphPage';

describe('webview: trace graph shows safety findings', function () {
  this.timeout(60_000);
  let g: GraphHarness | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it('badges the flagged steps and highlights the taint path', async () => {
    const poisoned = loadFixture('safety/poisoned-agent');
    g = await openGraph({ session: poisoned.session, raw: poisoned.inputs });
    const { page } = g;
    await page.locator('.node').first().waitFor();
    const badges = await page.locator('.node.safety').evaluateAll((els) => els.map((e) => `${e.querySelector('.title')?.textContent}: ${e.querySelector('.badge.safety')?.textContent?.trim()}`));
    assert.ok(badges.some((b) => /^fetch_page: injection taint$/.test(b)), badges.join(' | '));
    assert.ok(badges.some((b) => /^send_email: taint$/.test(b)), badges.join(' | '));
    assert.equal(await page.locator('path.edge.taint').count(), 2, 'fetch_page -> LLM -> send_email');
    assert.match(await page.locator('#findings').innerText(), /text from `fetch_page` \(step 3\) reached `send_email\.to` \(step 5\)|possible prompt injection/);
  });
});
