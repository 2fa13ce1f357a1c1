// The engine worker dies inside the real VS Code: the user is warned with the reason and what was lost,
// the Sessions view empties, a request the worker held fails at once, and the receiver takes spans on the
// same port again, into a new worker. The Cost view, open all along, shows the new worker's sessions.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Views } from '../../src/host/contributions';
import { activeApi } from './extension.test';
import { postJsonSpans, waitFor, webviewBootMs } from './otlpPost';

describe('engine worker restart inside VS Code', () => {
  it('warns with what was lost, fails the held request fast, and the receiver stores spans on the same port again', async () => {
    const { receiver, sessions, cost } = await activeApi();
    await receiver.start();
    await vscode.commands.executeCommand(`${Views.cost}.focus`);
    await waitFor('the Cost view booted', () => cost.snapshotsPosted >= 1, webviewBootMs);
    const engine = await receiver.engine();
    assert.equal(engine.inWorker, true);
    const endpoint = receiver.httpEndpoint!;
    assert.equal(await postJsonSpans(endpoint, 'restart-before', [{ name: 'chat a', model: 'gpt-4o' }, { name: 'chat b', model: 'gpt-4o' }]), 200);
    await engine.flush();
    await waitFor('the session in the Sessions view', async () => (await sessions.getChildren()).some((i) => i.kind === 'session' && i.session.id === 'restart-before'));
    await waitFor('the session in the Cost view', () => cost.lastSnapshot?.report?.session.id === 'restart-before', 10_000);
    // A launched run still going when the worker dies: its spans keep coming, into the new worker.
    await receiver.launchStarted('restart-run', 'My agent run');
    const lostSpans = engine.spanCount;
    const lostSessions = engine.listSessions().length;
    const warnings = receiver.crashWarnings.length;

    const exited = engine.test.exitWorker();
    const started = Date.now();
    // The extension's bundle has its own copy of the class: its name and message say it.
    await assert.rejects(engine.stats(), { name: 'EngineCrashedError', message: 'The trace engine\'s worker stopped (it exited (code 70)) before it answered "stats".' });
    assert.ok(Date.now() - started < 5_000, `the held request failed after ${Date.now() - started} ms`);
    await exited;

    const warning = await waitFor('the warning', () => receiver.crashWarnings[warnings], 30_000);
    assert.match(warning, /worker stopped \(it exited \(code 70\)\) and was restarted/);
    assert.ok(warning.includes(`${lostSpans} spans in ${lostSessions} session`), warning);
    assert.ok(warning.includes(`listens again on port ${new URL(endpoint).port}`), warning);
    assert.equal(receiver.state.kind, 'running');
    assert.equal(receiver.httpEndpoint, endpoint);
    assert.equal((await sessions.getChildren()).filter((i) => i.kind === 'session').length, 0, 'the lost sessions left the view');

    assert.equal(await postJsonSpans(endpoint, 'restart-after', [{ name: 'chat c', model: 'gpt-4o' }]), 200);
    assert.equal(await postJsonSpans(endpoint, 'restart-run', [{ name: 'chat d', model: 'gpt-4o' }]), 200);
    await engine.flush();
    const shown = async () => (await sessions.getChildren()).flatMap((i) => (i.kind === 'session' ? [i.session] : []));
    assert.deepEqual((await shown()).map((s) => s.id).sort(), ['restart-after', 'restart-run']);
    // The Cost view was asked for a snapshot while the worker was gone; it goes on with the new worker's.
    const report = await waitFor('the Cost view on the new worker', () => {
      const r = cost.lastSnapshot?.report;
      return r && r.session.id !== 'restart-before' && r.totals.llmCalls === 1 && r;
    }, 10_000);
    assert.ok(['restart-after', 'restart-run'].includes(report.session.id), report.session.id);
    assert.equal(report.totals.inputTokens, 100);
    // The run keeps its launch's name, and stays live, in the new worker.
    const run = await waitFor('the run named again', async () => (await shown()).find((s) => s.id === 'restart-run' && s.name === 'My agent run'), 10_000);
    assert.equal(run.live, true);
    await receiver.launchEnded('restart-run');
    await waitFor('the run no longer live', async () => (await shown()).find((s) => s.id === 'restart-run' && !s.live), 10_000);
    assert.equal(engine.inWorker, true);
  });
});
