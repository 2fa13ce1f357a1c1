// A sortable, keyboard-driven table: header buttons sort (aria-sort), rows are one tab stop (roving
// tabindex: Up/Down/Home/End move, Enter/Space or a click activates). Cells are text only.
import { h } from '../shared/dom';
import { ariaSort, type Sort, type SortKey } from './viewModel';

export interface TableColumn {
  key: SortKey | string;
  label: string;
  numeric: boolean;
  sortable: boolean;
}

export interface TableSpec<R> {
  id: string;
  caption: string;
  columns: TableColumn[];
  rows: readonly R[];
  rowKey(r: R): string;
  cells(r: R): (string | Node)[];
  /** Tooltip of a row (text). */
  rowTitle?(r: R): string;
  rowClass?(r: R): string | undefined;
  activate(r: R): void;
  /** What a screen reader hears the row does. */
  actionLabel: string;
  sort?: Sort;
  onSort?(key: SortKey): void;
  emptyText: string;
}

export function table<R>(spec: TableSpec<R>): HTMLElement {
  if (spec.rows.length === 0) return h('p', { class: 'muted', id: `${spec.id}-empty` }, spec.emptyText);
  const head = h('tr', {}, ...spec.columns.map((c) => {
    const th = h('th', { scope: 'col', class: c.numeric ? 'num' : undefined });
    if (!c.sortable || !spec.sort || !spec.onSort) {
      th.append(c.label);
      return th;
    }
    const state = ariaSort(spec.sort, c.key as SortKey);
    th.setAttribute('aria-sort', state);
    const icon = state === 'none' ? '' : state === 'descending' ? 'codicon-arrow-down' : 'codicon-arrow-up';
    const button = h('button', { class: 'sort', type: 'button', 'data-focus': `${spec.id}:sort:${c.key}`, 'data-sort': c.key, title: `Sort by ${c.label}` },
      c.label, icon ? h('span', { class: `codicon ${icon}`, 'aria-hidden': 'true' }) : null);
    button.addEventListener('click', () => spec.onSort!(c.key as SortKey));
    th.append(button);
    return th;
  }));
  const body = h('tbody');
  spec.rows.forEach((r, i) => {
    const key = spec.rowKey(r);
    const tr = h('tr', { tabindex: i === 0 ? '0' : '-1', 'data-focus': `${spec.id}:row:${key}`, 'data-key': key, class: spec.rowClass?.(r), 'aria-description': spec.actionLabel });
    const title = spec.rowTitle?.(r);
    if (title) tr.title = title;
    spec.cells(r).forEach((cell, c) => tr.append(h('td', { class: spec.columns[c]?.numeric ? 'num' : undefined }, cell)));
    tr.addEventListener('click', () => spec.activate(r));
    body.append(tr);
  });
  body.addEventListener('keydown', (e) => onRowKey(e, spec, body));
  return h('table', { class: 'rows', id: `${spec.id}-table` }, h('caption', { class: 'visually-hidden' }, spec.caption), h('thead', {}, head), body);
}

function onRowKey<R>(e: KeyboardEvent, spec: TableSpec<R>, body: HTMLElement): void {
  const tr = (e.target as HTMLElement).closest('tr');
  if (!tr) return;
  const rows = [...body.querySelectorAll<HTMLTableRowElement>('tr')];
  const i = rows.indexOf(tr);
  let to = -1;
  if (e.key === 'ArrowDown') to = Math.min(rows.length - 1, i + 1);
  else if (e.key === 'ArrowUp') to = Math.max(0, i - 1);
  else if (e.key === 'Home') to = 0;
  else if (e.key === 'End') to = rows.length - 1;
  else if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    spec.activate(spec.rows[i]);
    return;
  } else return;
  e.preventDefault();
  focusRow(rows, to);
}

export function focusRow(rows: HTMLElement[], to: number): void {
  rows.forEach((r, k) => (r.tabIndex = k === to ? 0 : -1));
  rows[to]?.focus();
}
