// A compact key under the graph: the three edge kinds drawn as the graph draws them, and how a step looks
// in each state. It sits below the canvas (not over it), so it never hides a node.
import { h } from '../shared/dom';

const SVG = 'http://www.w3.org/2000/svg';

function edgeSample(kind: 'contains' | 'next' | 'dataflow'): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'lg-edge');
  svg.setAttribute('width', '26');
  svg.setAttribute('height', '10');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('class', `edge ${kind}`);
  path.setAttribute('d', 'M1,5 L25,5');
  svg.append(path);
  return svg;
}

export function legend(): HTMLElement {
  const edge = (kind: 'contains' | 'next' | 'dataflow', label: string, what: string) =>
    h('span', { class: 'lg-item', title: what }, edgeSample(kind), label);
  const state = (cls: string, label: string, what: string) => h('span', { class: 'lg-item', title: what }, h('span', { class: `lg-node ${cls}`, 'aria-hidden': 'true' }), label);
  return h('div', { class: 'legend', id: 'legend', role: 'note', 'aria-label': 'Legend' },
    edge('contains', 'contains', 'A parent step contains the child step'),
    edge('next', 'next', 'The next step at the same level, in time order'),
    edge('dataflow', 'dataflow', "An LLM call's tool call to the tool, and the tool's result to the LLM call that read it"),
    h('span', { class: 'lg-sep', 'aria-hidden': 'true' }),
    state('lg-pending', 'not yet', 'Starts after the time cursor'),
    state('lg-running', 'running', 'Running at the time cursor'),
    state('lg-done', 'done', 'Finished before the time cursor'),
    state('lg-failed', 'failed', 'Failed'),
    state('lg-current', 'current', "The time cursor's step"));
}
