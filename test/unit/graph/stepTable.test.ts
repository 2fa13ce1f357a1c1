import * as assert from 'node:assert/strict';
import type { IndexedStepDto, StepRowDto } from '../../../src/protocol/graph';
import { packSteps, unpackTable } from '../../../src/protocol/graphPacking';
import { rowAt, tableRows, withRows } from '../../../src/protocol/stepTable';

const row = (over: Partial<StepRowDto> = {}): StepRowDto => ({ id: 'a1', parent: -1, kind: 'llm', status: 'ok', label: 'gpt-4o', start: 1, end: 2, ...over });
const asSent = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('steps as columns (protocol/stepTable)', () => {
  it('rowAt gives back every field of every kind, status and flag', () => {
    const rows: StepRowDto[] = [
      row({ inputTokens: 10, outputTokens: 0, costUsd: 0.25 }),
      row({ id: 'b2', parent: 0, kind: 'tool', status: 'error', label: 'search', priceMissing: true, hasSource: true }),
      row({ id: 'c3', parent: 0, kind: 'guardrail', status: 'unset', label: 'gpt-4o', aggregate: true, inputTokens: 5 }),
      row({ id: 'd4', parent: 1, kind: 'other', label: '', start: -3.5, end: 1e6 }),
    ];
    const t = unpackTable(asSent(packSteps(rows)));
    assert.deepEqual(asSent(tableRows(t)), rows);
    assert.deepEqual(Object.keys(rowAt(t, 0)), ['id', 'parent', 'kind', 'status', 'label', 'start', 'end', 'inputTokens', 'outputTokens', 'costUsd', 'priceMissing', 'aggregate', 'hasSource'], 'one shape for every row');
  });

  it('a delta replaces and appends rows in a copy; a gap is refused', () => {
    const t = unpackTable(asSent(packSteps([row(), row({ id: 'b2', parent: 0 })])));
    const changed: IndexedStepDto[] = [{ ...row({ id: 'b2', parent: 0, status: 'error', end: 9 }), index: 1 }, { ...row({ id: 'c3', parent: 1, label: 'new' }), index: 2 }];
    const next = withRows(t, changed)!;
    assert.deepEqual(asSent(tableRows(next)), [row(), row({ id: 'b2', parent: 0, status: 'error', end: 9 }), row({ id: 'c3', parent: 1, label: 'new' })]);
    assert.deepEqual(asSent(tableRows(t)), [row(), row({ id: 'b2', parent: 0 })], 'the table before is unchanged');
    assert.equal(next.labels.filter((l) => l === 'gpt-4o').length, 1, 'a known label is not added again');
    assert.equal(withRows(t, [{ ...row(), index: 3 }]), undefined);
    assert.equal(withRows(t, [{ ...row(), index: -1 }]), undefined);
  });

  it('hostile rows in a delta are written as defaults, never as what they claim', () => {
    const t = unpackTable(asSent(packSteps([row()])));
    const hostile = { id: 7, parent: 99, kind: 'bogus', status: 'weird', label: { x: 1 }, start: 'soon', end: Infinity, inputTokens: '12', outputTokens: NaN, costUsd: 0.5, priceMissing: 'yes', index: 1 } as unknown as IndexedStepDto;
    const next = withRows(t, [hostile])!;
    assert.deepEqual(asSent(rowAt(next, 1)), { id: '', parent: -1, kind: 'other', status: 'unset', label: '', start: 0, end: 0, costUsd: 0.5 });
  });
});
