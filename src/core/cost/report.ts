// Everything the Cost view shows for one session, from its normalised steps: totals, breakdowns, top
// steps, the cumulative series, findings and the budget. Pure: the host feeds it, tests call it directly.
import { totalsDto, totalsOf } from '../agent/rollups';
import type { DataflowLink } from '../agent/dataflow';
import type { Finding } from '../agent/loops';
import type { AgentStep } from '../agent/types';
import type { BreakdownKind, BreakdownRowDto, CostReportDto, CostSessionDto, CostStepsRef } from '../../protocol/cost';
import { budgetOf } from './budget';
import { breakdowns, type BreakdownRow } from './breakdowns';
import { costFindings, type CostFinding } from './findings';
import { cumulativeSeries } from './series';
import { topSteps } from './topSteps';
import { descendantsOf } from './tree';
import { parentIndices } from '../agent/tree';
import { stepIndexOf } from '../agent/stepIndex';
import { runWhole } from '../../protocol/work';

/** The report as the engine keeps it: rows and findings with their step ids (`reportDto` is what crosses). */
export type CostReport = Omit<CostReportDto, 'breakdowns' | 'findings'> & {
  breakdowns: Record<BreakdownKind, BreakdownRow[]>;
  findings: CostFinding[];
};

export interface ReportInput {
  session: Omit<CostSessionDto, 'startEpochMs'>;
  /** In time order, as normaliseSession returns them. */
  steps: readonly AgentStep[];
  /** The steps' parent indices, when the caller has them. */
  parents?: Int32Array;
  /** Their dataflow links (dataflowLinks) and loop findings (findLoops), when the caller has them. */
  dataflow?: readonly DataflowLink[];
  loops?: readonly Finding[];
  /** Its breakdowns, when the caller has them (a live model's, extended: liveBreakdowns.ts). */
  breakdowns?: Record<BreakdownKind, BreakdownRow[]>;
  budget?: { launchUsd?: number; settingUsd?: number };
}

export function costReport(input: ReportInput): CostReport {
  return runWhole(costReportWork(input));
}

/** costReport's work, yielding between its parts (each a pass over the steps; the report whole held 1.9 s at 1M steps). */
export function* costReportWork(input: ReportInput): Generator<void, CostReport> {
  const { steps } = input;
  const totals = totalsOf(steps);
  const origin = totals.startMs;
  const parents = input.parents ?? parentIndices(steps);
  yield;
  const rows = input.breakdowns ?? breakdowns(steps, descendantsOf(steps, parents), input.dataflow);
  yield;
  const top = topSteps(steps, origin);
  yield;
  const series = cumulativeSeries(steps, origin);
  yield;
  const findings = costFindings(steps, {}, parents, input.loops);
  const report: CostReport = { session: { ...input.session, startEpochMs: origin }, totals: totalsDto(totals), breakdowns: rows, topSteps: top, series, findings };
  const budget = budgetOf(totals.costUsd, input.budget?.launchUsd, input.budget?.settingUsd);
  if (budget) report.budget = budget;
  return report;
}


/** How many findings the Cost view lists (those with the most $; 600 loops of a 100k-span run were 113 KB a refresh). */
const listedFindings = 50;

/** What the Cost view gets: the report without the step ids of its rows and findings (sized to the panel). */
export function reportDto(report: CostReport): CostReportDto {
  const rows = (list: BreakdownRow[]) => list.map(rowDto);
  const { model, agent, tool, kind } = report.breakdowns;
  const dto: CostReportDto = {
    ...report,
    breakdowns: { model: rows(model), agent: rows(agent), tool: rows(tool), kind: rows(kind) },
    findings: report.findings.slice(0, listedFindings).map(({ stepIds: _ids, ...f }) => f),
  };
  if (report.findings.length > listedFindings) dto.moreFindings = report.findings.length - listedFindings;
  return dto;
}

/** A row's figures, its step ids left unread (a live model's rows join theirs when read: liveBreakdowns.ts). */
function rowDto(r: BreakdownRow): BreakdownRowDto {
  const dto: BreakdownRowDto = { key: r.key, calls: r.calls, costUsd: r.costUsd, inputTokens: r.inputTokens, outputTokens: r.outputTokens, priceMissing: r.priceMissing, errors: r.errors, stepCount: r.stepCount };
  if (r.ownCostUsd !== undefined) dto.ownCostUsd = r.ownCostUsd;
  if (r.consumerCostUsd !== undefined) dto.consumerCostUsd = r.consumerCostUsd;
  if (r.consumerCalls !== undefined) dto.consumerCalls = r.consumerCalls;
  return dto;
}

/**
 * The steps a row or finding of `report` stands for, in time order (`steps`: the report's; an extended row
 * lists its steps trace by trace); none when it is gone (the session moved on).
 */
export function costStepsOf(report: CostReport, ref: CostStepsRef, steps: readonly AgentStep[]): string[] {
  if (!('breakdown' in ref)) return report.findings.find((f) => f.kind === ref.finding && f.firstStepId === ref.firstStepId)?.stepIds ?? [];
  const ids = (report.breakdowns[ref.breakdown] ?? []).find((r) => r.key === ref.key)?.stepIds ?? [];
  const place = stepIndexOf(steps, ids);
  const at: number[] = [];
  for (const id of ids) {
    const i = place.get(id);
    if (i !== undefined) at.push(i);
  }
  return Array.from(Int32Array.from(at).sort(), (i) => steps[i]!.id);
}
