// A traced run's live check as the engine's worker makes it: each arriving step judged once against the
// run's breakpoints, the first hit, the $ so far and the newest step, and what changes when "Break on..."
// adds a breakpoint or the run ends.
import * as assert from 'node:assert/strict';
import { totalsOf } from '../../../src/core/agent';
import { RunChecks } from '../../../src/core/debug/runChecks';
import { fixtureSteps } from './dapServer';

describe('traced runs checked in the worker (RunChecks)', () => {
  const steps = fixtureSteps('genai-semconv');

  it('judges each step once, says the first hit, the $ so far and the newest step', () => {
    const checks = new RunChecks();
    const early = checks.check('run', ['tool:search_flights'], {}, steps.slice(0, 2));
    assert.deepEqual(early, { steps: 2, costUsd: totalsOf(steps.slice(0, 2)).costUsd, lastStepId: steps[1].id });
    const first = checks.check('run', ['tool:search_flights'], {}, steps.slice(0, 4));
    assert.equal(first.hit?.step.id, steps[2].id);
    assert.equal(first.hit?.condition, 'tool:search_flights');
    // The same steps again: judged already, no hit; the later calls of the tool are hits as they arrive.
    assert.equal(checks.check('run', ['tool:search_flights'], {}, steps.slice(0, 4)).hit, undefined);
    const later = checks.check('run', ['tool:search_flights'], {}, steps);
    assert.equal(later.hit?.step.toolCallId, 'toolu_2');
    assert.equal(later.costUsd, totalsOf(steps).costUsd);
    assert.equal(later.lastStepId, steps[steps.length - 1].id);
  });

  it('a breakpoint added mid-run judges only the steps that arrive after it; an ended run starts over', () => {
    const checks = new RunChecks();
    assert.equal(checks.check('run', [], {}, steps.slice(0, 3)).hit, undefined);
    // steps[2], the first search_flights call, was judged before the breakpoint came: the next call is the hit.
    const added = checks.check('run', ['tool:search_flights'], {}, steps);
    assert.equal(added.hit?.step.toolCallId, 'toolu_2');
    checks.end('run');
    assert.equal(checks.check('run', ['tool:search_flights'], {}, steps).hit?.step.id, steps[2].id, 'judged afresh');
    // Runs are apart.
    assert.equal(checks.check('other', ['model:claude-*'], {}, steps).hit?.step.kind, 'llm');
  });
});
