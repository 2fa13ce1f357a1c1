import * as assert from 'node:assert/strict';
import type { AgentStep } from '../../../src/core/agent';
import { stepIndexById, stepIndexOf } from '../../../src/core/agent/stepIndex';

const step = (id: string) => ({ id }) as AgentStep;

describe('stepIndexById: a step index by id, once per steps array', () => {
  it('finds each id; a later step with the same id wins; an unknown id is undefined', () => {
    const index = stepIndexById([step('a'), step('b'), step('a')]);
    assert.equal(index.get('a'), 2);
    assert.equal(index.get('b'), 1);
    assert.equal(index.get('zz'), undefined);
  });

  it('is made once per array, and again for an array that grew or a new array', () => {
    const steps = [step('a'), step('b')];
    const first = stepIndexById(steps);
    assert.equal(stepIndexById(steps), first);
    steps.push(step('c'));
    assert.equal(stepIndexById(steps).get('c'), 2);
    const next = [step('c'), ...steps];
    assert.deepEqual([...stepIndexById(next)], [['c', 3], ['a', 1], ['b', 2]]);
  });

  it('stepIndexOf: the same indices for the ids asked (a later step wins, unknown ids left out), with or without the map made', () => {
    const steps = [step('a'), step('b'), step('a'), step('c')];
    assert.deepEqual([...stepIndexOf(steps, ['a', 'c', 'zz'])].sort(), [['a', 2], ['c', 3]]);
    const all = stepIndexById(steps);
    assert.equal(stepIndexOf(steps, ['a']), all);
  });
});
