// The status-bar budget meter: the traced run's $ against its budget (budgetUsd on the launch, else
// agentDebugger.budget.sessionUsd). Hidden when no traced run is active.
import * as vscode from 'vscode';
import { formatUsd } from '../../core/format';

export class BudgetMeter implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('agentDebugger.budget', vscode.StatusBarAlignment.Left, 9);

  constructor() {
    this.item.name = 'Agent Debugger: run budget';
  }

  show(runName: string, costUsd: number, budgetUsd: number | undefined): void {
    const ratio = budgetUsd ? costUsd / budgetUsd : 0;
    this.item.text = budgetUsd ? `$(pulse) ${formatUsd(costUsd)} / ${formatUsd(budgetUsd)}` : `$(pulse) ${formatUsd(costUsd)}`;
    this.item.tooltip = budgetUsd
      ? `${runName}: ${formatUsd(costUsd)} of the ${formatUsd(budgetUsd)} budget (${Math.round(ratio * 100)}%)`
      : `${runName}: ${formatUsd(costUsd)} so far (no budget: set budgetUsd on the launch or agentDebugger.budget.sessionUsd)`;
    this.item.backgroundColor = ratio >= 1 ? new vscode.ThemeColor('statusBarItem.errorBackground') : ratio >= 0.8 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
