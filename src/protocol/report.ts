// The data a standalone HTML report inlines: everything the graph webview would ask its host for, computed
// ahead of time, so the same webview code runs read-only with no host and no network.
import type { SafetyFindingDto } from './cost';
import type { GraphSnapshotDto, StepDetailDto, StepSummaryDto } from './graph';

/** Two details per step: at its start event (running) and at its end event (returned). */
export interface ReportStepDetails {
  atStart: StepDetailDto;
  atEnd: StepDetailDto;
}

export interface ReportDataDto {
  /** Format version of this object. */
  v: 1;
  snapshot: GraphSnapshotDto;
  /** By step index (the snapshot's row order). */
  details: ReportStepDetails[];
  /** By step index. */
  summaries: StepSummaryDto[];
  /** Safety findings (heuristics; secrets and personal data masked). */
  safety?: SafetyFindingDto[];
  generatedAt: string;
}

/** id of the `<script type="application/json">` element holding the ReportDataDto. */
export const REPORT_DATA_ID = 'agent-debugger-report-data';
