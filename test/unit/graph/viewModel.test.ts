import * as assert from 'node:assert/strict';
import { keyAction } from '../../../webview/graph/keys';
import { cursorState, readState, restoreCursor } from '../../../webview/graph/state';
import { ariaLabel, formatDuration, formatTokens, formatUsd, itemPhase, itemText, splitTail, statusLine, viewAt } from '../../../webview/graph/viewModel';
import { buildVisible } from '../../../webview/graph/visible';
import { fixture, stepByLabel } from './fixtures';

describe('graph webview: view model, keys, saved state (pure)', () => {
  it('node states at a cursor: not started, running, finished, failed; the current item', () => {
    const f = fixture('genai-semconv');
    const m = f.model;
    const v = buildVisible(m, new Map([[`fold:${m.steps.id[1]}`, true]]));
    const tool = stepByLabel(m, 'search_flights');
    const item = v.items[v.rep[tool]];
    assert.equal(itemPhase(item, m.startAt[tool] - 1), 'pending');
    assert.equal(itemPhase(item, m.startAt[tool]), 'running');
    assert.equal(itemPhase(item, m.endAt[tool]), 'failed');
    const ok = v.items[v.rep[stepByLabel(m, 'search_flights', 1)]];
    assert.equal(itemPhase(ok, m.length - 1), 'done');
    const view = viewAt(m, v, m.startAt[tool]);
    assert.equal(view.item, v.rep[tool]);
    assert.equal(view.phases.length, v.items.length);
    // The folded loop is failed as soon as its failed member ended.
    const folded = buildVisible(m, new Map());
    const fold = folded.items.find((it) => it.type === 'fold')!;
    assert.equal(itemPhase(fold, m.endAt[tool] - 1), 'running');
    assert.equal(itemPhase(fold, m.endAt[tool]), 'failed');
  });

  it('texts: label, badges and an aria label for steps and groups', () => {
    const f = fixture('genai-semconv');
    const v = buildVisible(f.model, new Map());
    const fold = v.items.find((it) => it.type === 'fold')!;
    const t = itemText(f.model, fold);
    assert.equal(t.title, 'claude-sonnet-4-5 → search_flights');
    assert.equal(t.count, '×3');
    assert.match(ariaLabel(t, fold, 'failed', true), /^loop claude-sonnet-4-5 → search_flights, repeated 3 times, failed, .*1 failed, collapsed, 5 hidden, current step$/);
    const llm = v.items[v.rep[1]];
    assert.equal(formatTokens(1280), '1.3k tok');
    assert.equal(formatUsd(0.000036), '$0.000036');
    assert.equal(formatUsd(0.0104), '$0.0104');
    assert.equal(formatUsd(12.5), '$12.50');
    assert.equal(formatDuration(1.4), '1.4 ms');
    assert.equal(formatDuration(1500), '1.50 s');
    assert.equal(formatDuration(125_000), '2m 5s');
    assert.ok(llm);
    assert.match(statusLine(f.model, f.model.length - 1), /^event 24 \/ 24 · .* · 6\.0k tok · \$0\.0104$/);
  });

  it('keys: Right/Left, Shift or n/p for LLM calls, t/T tools, e/E errors, Home/End, Space; modifiers pass through', () => {
    const k = (key: string, shiftKey = false, ctrlKey = false) => keyAction({ key, shiftKey, ctrlKey, metaKey: false, altKey: false });
    assert.deepEqual(k('ArrowRight'), { type: 'step', command: 'forward' });
    assert.deepEqual(k('ArrowLeft'), { type: 'step', command: 'back' });
    assert.deepEqual(k('ArrowRight', true), { type: 'step', command: 'nextLlm' });
    assert.deepEqual(k('ArrowLeft', true), { type: 'step', command: 'prevLlm' });
    assert.deepEqual(k('n'), { type: 'step', command: 'nextLlm' });
    assert.deepEqual(k('p'), { type: 'step', command: 'prevLlm' });
    assert.deepEqual(k('t'), { type: 'step', command: 'nextTool' });
    assert.deepEqual(k('T', true), { type: 'step', command: 'prevTool' });
    assert.deepEqual(k('e'), { type: 'step', command: 'nextError' });
    assert.deepEqual(k('Home'), { type: 'step', command: 'first' });
    assert.deepEqual(k('End'), { type: 'step', command: 'last' });
    assert.deepEqual(k(' '), { type: 'play' });
    assert.equal(k('ArrowRight', false, true), undefined);
    assert.equal(k('x'), undefined);
  });

  it('saved state: the cursor comes back on the same event, even after the timeline grew', () => {
    const f = fixture('vercel-ai-agent');
    const m = f.model;
    const c = m.endAt[2];
    const saved = readState({ v: 1, sessionId: m.session.id, ...cursorState(m, c) })!;
    assert.equal(restoreCursor(m, saved), c);
    assert.equal(restoreCursor(m, { ...saved, cursorStepId: undefined, cursor: 3 }), 3);
    assert.equal(restoreCursor(m, { ...saved, sessionId: 'other' }), m.length - 1);
    assert.equal(restoreCursor(m, undefined), m.length - 1);
    assert.equal(readState({ v: 2 }), undefined);
    assert.equal(readState(null), undefined);
  });

  it('splits long labels into a head (cut when too long) and a tail that always shows', () => {
    assert.deepEqual(splitTail('advice'), ['advice', '']);
    assert.deepEqual(splitTail('gpt-4o-mini-2024-07-18'), ['gpt-4o-mini-2024-', '07-18']);
    assert.deepEqual(splitTail('claude-3-5-sonnet-20241022'), ['claude-3-5-sonnet-', '20241022']);
    assert.deepEqual(splitTail('convert_currency'), ['convert_', 'currency']);
    assert.deepEqual(splitTail('getWeatherNow'), ['getWeathe', 'rNow']);
  });
});
