// Session commands inside the real VS Code, with arguments instead of dialogs: export in every format,
// import (and a corrupt file that changes nothing), filter, compare in the diff editor, send to an endpoint.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TraceEngine } from '../../src/core/engine';
import { Commands } from '../../src/host/contributions';
import { activeApi } from './extension.test';
import { postJsonSpans, waitFor } from './otlpPost';

describe('Sessions commands: export, import, filter, compare, forward', function () {
  this.timeout(60000);
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-it-sessions-'));
  const store = async () => (await (await activeApi()).receiver.engine());

  before(async () => {
    const { receiver } = await activeApi();
    await receiver.start();
    assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'cmp-a', [{ name: 'chat', model: 'gpt-4o-mini' }, { name: 'lookup', tool: 'lookupWeather' }, { name: 'chat', model: 'gpt-4o-mini' }], 21), 200);
    assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'cmp-b', [{ name: 'chat', model: 'gpt-4o-mini' }, { name: 'chat', model: 'gpt-4o-mini' }], 22), 200);
    await waitFor('both sessions', async () => (await store()).getSession('cmp-a')?.spanCount === 3 && (await store()).getSession('cmp-b')?.spanCount === 2);
  });

  it('exports a session in every format to a given path', async () => {
    for (const [format, ext, check] of [
      ['otlp-json', '.otlp.json', (t: string) => assert.equal(JSON.parse(t).resourceSpans[0].scopeSpans[0].spans.length, 3)],
      ['sqlite', '.sqlite', (t: string) => assert.ok(t.startsWith('SQLite format 3'))],
      ['html', '.html', (t: string) => assert.ok(t.startsWith('<!DOCTYPE html>') && t.includes('id="agent-debugger-report-data"') && t.includes("default-src 'none'"))],
      ['eval-jsonl', '.eval.jsonl', (t: string) => assert.equal(t.trimEnd().split('\n').filter((l) => JSON.parse(l).type === 'llm_call').length, 2)],
    ] as const) {
      const file = path.join(dir, `a${ext}`);
      assert.equal(await vscode.commands.executeCommand(Commands.exportSession, 'cmp-a', { format, path: file }), file, format);
      check(readFileSync(file, 'latin1'));
    }
  });

  it('imports an OTLP JSON export as a new session with the same spans', async () => {
    const s = await store();
    const result = await vscode.commands.executeCommand<{ spans: number; sessionIds: string[] }>(Commands.importSession, path.join(dir, 'a.otlp.json'));
    // The spans carry their session id, so the import gets a fresh id next to the original.
    assert.equal(result.spans, 3);
    assert.notEqual(result.sessionIds[0], 'cmp-a');
    assert.deepEqual((await s.spansOfSession(result.sessionIds[0]!)).map((x) => x.spanId), (await s.spansOfSession('cmp-a')).map((x) => x.spanId));
    await s.deleteSession(result.sessionIds[0]!);
  });

  it('a truncated file gives a clear error and changes no session', async () => {
    const s = await store();
    const before = s.listSessions().map((x) => `${x.id}:${x.spanCount}`).sort();
    const bad = path.join(dir, 'bad.otlp.json');
    writeFileSync(bad, readFileSync(path.join(dir, 'a.otlp.json'), 'utf8').slice(0, 300));
    const result = await vscode.commands.executeCommand<{ error: string }>(Commands.importSession, vscode.Uri.file(bad));
    assert.match(result.error, /truncated|cut short|ends early/);
    assert.deepEqual(s.listSessions().map((x) => `${x.id}:${x.spanCount}`).sort(), before);
  });

  it('filters the tree by tool name and model, shows the filtered state, and clears', async () => {
    const { sessions } = await activeApi();
    const ids = async () => (await sessions.getChildren()).flatMap((n) => (n.kind === 'session' ? [n.session.id] : []));
    assert.equal(await vscode.commands.executeCommand(Commands.filterSessions, 'lookupWeather'), '"lookupWeather"');
    assert.deepEqual(await ids(), ['cmp-a']);
    await vscode.commands.executeCommand(Commands.filterSessions, 'model:gpt-4o-mini');
    assert.ok((await ids()).includes('cmp-b'));
    await vscode.commands.executeCommand(Commands.filterSessions, 'model:no-such-model');
    assert.deepEqual(await ids(), []);
    await vscode.commands.executeCommand(Commands.clearSessionFilter);
    assert.ok((await ids()).length >= 2);
    // Children: traces, then top-level steps.
    const a = (await sessions.getChildren()).find((n) => n.kind === 'session' && n.session.id === 'cmp-a')!;
    const kids = await sessions.getChildren(a);
    assert.equal(kids[0]?.kind, 'trace');
    assert.ok(kids.some((k) => k.kind === 'step'));
  });

  it('compares two sessions step by step in the diff editor', async () => {
    const result = await vscode.commands.executeCommand<{ left: string; right: string; pairs: number }>(Commands.compareSessions, 'cmp-a', 'cmp-b');
    assert.equal(result.pairs, 3);
    const left = await vscode.workspace.openTextDocument(vscode.Uri.parse(result.left));
    const right = await vscode.workspace.openTextDocument(vscode.Uri.parse(result.right));
    assert.match(left.getText(), /tool lookupWeather/);
    assert.match(right.getText(), /\(no matching step on this side\)/);
    await waitFor('diff editor', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === result.right));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('sends a session to an OTLP endpoint (a second receiver): every span once', async () => {
    const other = await TraceEngine.create();
    try {
      const a = await other.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] });
      const result = await vscode.commands.executeCommand<{ spans: number }>(Commands.sendSessionToEndpoint, 'cmp-a', { url: `http://127.0.0.1:${a.http.port}/v1/traces` });
      assert.equal(result.spans, 3);
      await other.queue.flush();
      const got = other.store.spansOfSession('cmp-a').map((x) => x.spanId).sort();
      assert.deepEqual(got, (await (await store()).spansOfSession('cmp-a')).map((x) => x.spanId).sort());
      const refused = await vscode.commands.executeCommand<{ error: string }>(Commands.sendSessionToEndpoint, 'cmp-a', { url: 'http://127.0.0.1:9/v1/traces' });
      assert.ok(refused.error.length > 0);
    } finally {
      await other.dispose();
      other.store.dispose();
    }
  });

  it('live mirror: spans go to the endpoint as they arrive, each once; refused ones are kept and sent later', async () => {
    const { receiver, mirror } = await activeApi();
    const other = await TraceEngine.create();
    const config = vscode.workspace.getConfiguration('agentDebugger');
    try {
      const a = await other.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] });
      const url = `http://127.0.0.1:${a.http.port}/v1/traces`;
      await config.update('forward.url', url, vscode.ConfigurationTarget.Global);
      await config.update('forward.enabled', true, vscode.ConfigurationTarget.Global);
      const mirrored = async () => {
        await other.queue.flush();
        return other.store.spansOfSession('mirror-it').map((x) => x.spanId);
      };
      await waitFor('the mirror to start', () => mirror.endpoint === url);
      assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'mirror-it', [{ name: 'chat a', model: 'gpt-4o-mini' }, { name: 'execute_tool t', tool: 't' }], 71), 200);
      await waitFor('2 mirrored spans', async () => (await mirrored()).length === 2);
      assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'mirror-it', [{ name: 'chat b', model: 'gpt-4o-mini' }], 72), 200);
      await waitFor('3 mirrored spans', async () => (await mirrored()).length === 3);

      // The endpoint goes away: the next span is refused, reported, and kept.
      await config.update('forward.url', 'http://127.0.0.1:9/v1/traces', vscode.ConfigurationTarget.Global);
      await waitFor('the mirror on the dead endpoint', () => mirror.endpoint?.includes(':9/'));
      assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'mirror-it', [{ name: 'chat c', model: 'gpt-4o-mini' }], 73), 200);
      await waitFor('the failure', () => mirror.lastError !== undefined, 30000);
      // Back to the live endpoint: what was refused arrives, nothing twice.
      await config.update('forward.url', url, vscode.ConfigurationTarget.Global);
      await waitFor('4 mirrored spans', async () => (await mirrored()).length === 4, 30000);
      const ids = await mirrored();
      assert.equal(new Set(ids).size, 4);
      assert.deepEqual([...ids].sort(), (await (await store()).spansOfSession('mirror-it')).map((x) => x.spanId).sort());
    } finally {
      await config.update('forward.enabled', undefined, vscode.ConfigurationTarget.Global);
      await config.update('forward.url', undefined, vscode.ConfigurationTarget.Global);
      await other.dispose();
      other.store.dispose();
    }
  });
});

describe('Sessions: a *.otlp.json file opens as a session in the trace graph (custom editor)', function () {
  this.timeout(60000);
  it('imports the file once and shows the graph in the editor', async () => {
    const api = await activeApi();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ad-it-editor-')), 'weather.otlp.json');
    writeFileSync(file, readFileSync(path.resolve(__dirname, '../../../test/fixtures/vercel-ai-agent.otlp.json')));
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
    const panel = await waitFor('graph panel in the editor', () => [...api.otlpEditor.panels][0]);
    await waitFor('snapshot posted', () => (panel.sent.snapshot ?? 0) > 0);
    assert.equal((await api.receiver.engine()).getSession(panel.currentSessionId!)?.name, 'weather');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
