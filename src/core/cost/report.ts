// Everything the Cost view shows for one session, from its normalised steps: totals, breakdowns, top
// steps, the cumulative series, findings and the budget. Pure: the host feeds it, tests call it directly.
import { totalsDto, totalsOf } from '../agent/rollups';
import type { AgentStep } from '../agent/types';
import type { CostReportDto, CostSessionDto } from '../../protocol/cost';
import { budgetOf } from './budget';
import { breakdowns } from './breakdowns';
import { costFindings } from './findings';
import { cumulativeSeries } from './series';
import { topSteps } from './topSteps';

export interface ReportInput {
  session: Omit<CostSessionDto, 'startEpochMs'>;
  /** In time order, as normaliseSession returns them. */
  steps: readonly AgentStep[];
  budget?: { launchUsd?: number; settingUsd?: number };
}

export function costReport(input: ReportInput): CostReportDto {
  const { steps } = input;
  const totals = totalsOf(steps);
  const origin = totals.startMs;
  const report: CostReportDto = {
    session: { ...input.session, startEpochMs: origin },
    totals: totalsDto(totals),
    breakdowns: breakdowns(steps),
    topSteps: topSteps(steps, origin),
    series: cumulativeSeries(steps, origin),
    findings: costFindings(steps),
  };
  const budget = budgetOf(totals.costUsd, input.budget?.launchUsd, input.budget?.settingUsd);
  if (budget) report.budget = budget;
  return report;
}

