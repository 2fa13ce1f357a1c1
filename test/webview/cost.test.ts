import * as assert from 'node:assert/strict';
import type { CostToWebview } from '../../src/protocol/cost';
import { openWebview, type WebviewPage } from './webviewPage';

describe('webview: Cost view (built bundle in headless Chromium)', () => {
  let view: WebviewPage;
  beforeEach(async () => {
    view = await openWebview('cost');
  });
  afterEach(async () => view.close());

  it('says ready first, and posts nothing else before the host answers', async () => {
    await view.page.locator('h2', { hasText: 'Cost of your agent runs' }).waitFor();
    assert.deepEqual(await view.posted(), [{ type: 'ready' }]);
  });

  it('renders the host snapshot: endpoint, span and session counts', async () => {
    const snapshot: CostToWebview = { type: 'snapshot', receiver: { httpEndpoint: 'http://127.0.0.1:4318', spans: 12345, sessions: 3 } };
    await view.send(snapshot);
    await view.page.locator('#endpoint', { hasText: 'http://127.0.0.1:4318' }).waitFor();
    assert.equal(await view.page.locator('#span-count').innerText(), '12,345');
    assert.equal(await view.page.locator('#session-count').innerText(), '3');
  });

  it('copy and start buttons are keyboard-reachable, labelled, and post their commands', async () => {
    await view.send({ type: 'snapshot', receiver: { spans: 0, sessions: 0 } } satisfies CostToWebview);
    const start = view.page.locator('#start-receiver');
    assert.equal(await start.getAttribute('aria-label'), 'Start the OTLP receiver');
    await start.focus();
    await view.page.keyboard.press('Enter');
    await view.send({ type: 'snapshot', receiver: { httpEndpoint: 'http://127.0.0.1:4318', spans: 0, sessions: 0 } } satisfies CostToWebview);
    await view.page.locator('#copy-endpoint').click();
    await view.page.waitForFunction(() => (globalThis as unknown as { __posted: unknown[] }).__posted.length >= 3);
    assert.deepEqual(await view.posted(), [{ type: 'ready' }, { type: 'startReceiver' }, { type: 'copyEndpoint' }]);
  });

  it('renders untrusted strings as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    await view.send({ type: 'snapshot', receiver: { httpEndpoint: evil, spans: 0, sessions: 0 } } satisfies CostToWebview);
    await view.page.locator('#endpoint', { hasText: evil }).waitFor();
    assert.equal(await view.page.locator('img').count(), 0);
    assert.equal(await view.page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
  });
});
