// The cost panel's computations (pure, no vscode): breakdowns, top steps, series, findings, budgets and
// run comparisons over the agent model's steps.
export { breakdowns, byAgent, byCost, byKind, byModel, byTool, isModelCall, type BreakdownRow } from './breakdowns';
export { budgetOf } from './budget';
export { compareRuns, type RunSummary } from './compare';
export { costFindings, runawayGrowth, type CostFinding, type RunawayOptions } from './findings';
export { costReport, costReportWork, costStepsOf, reportDto, type CostReport, type ReportInput } from './report';
export { cumulativeSeries } from './series';
export { labelOf, topSteps } from './topSteps';
