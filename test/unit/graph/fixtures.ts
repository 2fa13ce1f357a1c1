// Fixture sessions -> the snapshot DTOs the host sends -> the webview's model: the pure graph modules are
// tested on exactly what a recorded agent produces.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSession, spanInputsFromRequests, type AgentSession } from '../../../src/core/agent';
import { GraphFeed } from '../../../src/core/agent/graphDto';
import type { SpanInput } from '../../../src/core/agent/types';
import { parseOtlpText } from '../../../src/core/sessionFiles';
import type { GraphSnapshotDto, PackedSnapshotDto, StepColumnsDto, StepRowDto } from '../../../src/protocol/graph';
import { packSnapshot, unpackTable } from '../../../src/protocol/graphPacking';
import { tableRows } from '../../../src/protocol/stepTable';
import { buildModel, type GraphModel } from '../../../webview/graph/model';

const root = path.resolve(__dirname, '../../../..');

export interface Fixture {
  inputs: SpanInput[];
  session: AgentSession;
  feed: GraphFeed;
  snapshot: GraphSnapshotDto;
  model: GraphModel;
}

export function fixture(name: string): Fixture {
  const { traces, logs } = parseOtlpText(readFileSync(path.join(root, 'test/fixtures', `${name}.otlp.json`), 'utf8'));
  const inputs = spanInputsFromRequests(traces, logs);
  return fromInputs(inputs, name);
}

export function fromInputs(inputs: SpanInput[], name = 'synthetic'): Fixture {
  const session = buildSession(inputs);
  const feed = new GraphFeed({ id: name, name });
  const snapshot = feed.snapshot(session);
  return { inputs, session, feed, snapshot, model: buildModel(JSON.parse(JSON.stringify(packSnapshot(snapshot))) as PackedSnapshotDto) };
}

/** Step index by label (first match). */
export function stepByLabel(m: GraphModel, label: string, nth = 0): number {
  const all = tableRows(m.steps).map((r, i) => (r.label === label ? i : -1)).filter((i) => i >= 0);
  if (all[nth] === undefined) throw new Error(`no step labelled ${label}`);
  return all[nth];
}

/** The steps of packed columns as row objects (the webview keeps them as a table). */
export function stepRows(columns: StepColumnsDto): StepRowDto[] {
  return tableRows(unpackTable(columns));
}
