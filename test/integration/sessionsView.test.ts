import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi } from './extension.test';
import { postJsonSpans, waitFor } from './otlpPost';

async function itemFor(sessionId: string) {
  const { sessions } = await activeApi();
  const deadline = Date.now() + 10000;
  for (;;) {
    const item = (await sessions.getChildren()).find((i) => i.kind === 'session' && i.session.id === sessionId);
    if (item?.kind === 'session') return item;
    if (Date.now() > deadline) throw new Error(`no tree item for ${sessionId}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const isLiveRow = (item: { description?: string | boolean | vscode.TreeItemLabel }) => /● live/.test(String(item.description));

/**
 * Waits until the session's Sessions row no longer says live AND the view was told to refresh after it last
 * did (a row that only getChildren would show is not what the user sees); resolves when that happened.
 */
export async function rowStopsBeingLive(sessionId: string, timeoutMs: number): Promise<number> {
  const { sessions } = await activeApi();
  let refreshedAt = 0;
  let liveSeenAt = 0;
  const sub = sessions.onDidChangeTreeData(() => (refreshedAt = Date.now()));
  try {
    return await waitFor(`the Sessions row of ${sessionId} to lose "live"`, async () => {
      const probeAt = Date.now();
      const item = await itemFor(sessionId);
      if (isLiveRow(item)) liveSeenAt = probeAt;
      return !isLiveRow(item) && refreshedAt > liveSeenAt && Date.now();
    }, timeoutMs);
  } finally {
    sub.dispose();
  }
}

describe('Sessions view: live sessions end', () => {
  it('a receiver-only session whose root spans ended loses "live" a few seconds after the last spans', async () => {
    const { receiver } = await activeApi();
    await receiver.start();
    const postedAt = Date.now();
    assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'quiet-run', [{ name: 'invoke_agent quiet' }, { name: 'chat m', model: 'm' }], 7), 200);
    assert.ok(isLiveRow(await itemFor('quiet-run')), 'live while spans arrive');
    const endedAfter = (await rowStopsBeingLive('quiet-run', 15_000)) - postedAt;
    console.log(`      the row lost "live" ${endedAfter} ms after the last spans were posted`);
    assert.ok(endedAfter < 8000, `lost "live" ${endedAfter} ms after the last spans`);
  });
});

describe('Sessions view: costs from the agent model', () => {
  const config = () => vscode.workspace.getConfiguration('agentDebugger');
  after(async () => config().update('pricing.models', undefined, vscode.ConfigurationTarget.Global));

  it('prices a session with the user\'s override ($ per million tokens)', async () => {
    const { receiver } = await activeApi();
    await receiver.start();
    await config().update('pricing.models', { 'house-model*': { input: 2, output: 4 } }, vscode.ConfigurationTarget.Global);
    assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'priced', [{ name: 'chat house-model-v2', model: 'house-model-v2', inputTokens: 1000, outputTokens: 500 }], 3), 200);
    const item = await itemFor('priced');
    // 1000 x $2/M + 500 x $4/M = $0.002 + $0.002
    assert.match(String(item.description), /1 step · \$0\.004\b/);
    assert.match((item.tooltip as vscode.MarkdownString).value, /1 LLM call · 0 tool calls · 1,000 in \/ 500 out tokens · \$0\.004\b/);
  });

  it('says "no price" for a model it cannot price, never $0', async () => {
    const { receiver } = await activeApi();
    assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'unpriced', [{ name: 'chat mystery-model-9000', model: 'mystery-model-9000' }], 4), 200);
    const item = await itemFor('unpriced');
    assert.match(String(item.description), /no price/);
    assert.doesNotMatch(String(item.description), /\$0/);
    // As rendered: markdown escapes removed.
    const rendered = (item.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.match(rendered, /No price for mystery-model-9000: add one in `agentDebugger\.pricing\.models`/);
  });
});
