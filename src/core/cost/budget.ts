// The budget meter: a launch's budgetUsd wins over the agentDebugger.budget.sessionUsd setting; 0 or
// less (or not a finite number) means no budget.
import type { BudgetDto } from '../../protocol/cost';

export function budgetOf(usedUsd: number, launchUsd: number | undefined, settingUsd: number | undefined): BudgetDto | undefined {
  const valid = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  const [limitUsd, source] = valid(launchUsd) ? [launchUsd, 'launch' as const] : valid(settingUsd) ? [settingUsd, 'setting' as const] : [undefined, undefined];
  if (limitUsd === undefined) return undefined;
  return { limitUsd, source, usedUsd, exceeded: usedUsd > limitUsd };
}
