// Small DOM helpers of the graph webview.

/** Keys the focused control handles itself (text fields, selects, buttons on Space/Enter, tab headers) are left to it. */
export function ownedByControl(target: EventTarget | null, key: string): boolean {
  const el = target as HTMLElement | null;
  const tag = el?.tagName?.toLowerCase() ?? '';
  if (['input', 'textarea', 'select', 'vscode-single-select', 'vscode-textfield'].includes(tag)) return true;
  if ((key === ' ' || key === 'Enter') && ['vscode-button', 'button', 'a', 'vscode-tab-header'].includes(tag)) return true;
  return tag === 'vscode-tab-header' && ['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(key);
}

export function debounce<A extends unknown[]>(f: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => f(...args), ms);
  };
}
