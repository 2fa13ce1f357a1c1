import './cost.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { CostToHost, CostToWebview, ReceiverInfoDto } from '../../src/protocol/cost';
import { hostClient } from '../shared/vscodeApi';
import { h } from '../shared/dom';

const host = hostClient<CostToHost, CostToWebview>();
const root = document.getElementById('root')!;

function render(receiver: ReceiverInfoDto): void {
  const endpoint = receiver.httpEndpoint;
  const copy = h('vscode-button', { id: 'copy-endpoint', secondary: true, icon: 'copy', 'aria-label': 'Copy OTLP endpoint' }, 'Copy');
  copy.addEventListener('click', () => host.post({ type: 'copyEndpoint' }));
  const start = h('vscode-button', { id: 'start-receiver', icon: 'debug-start', 'aria-label': 'Start the OTLP receiver' }, 'Start receiver');
  start.addEventListener('click', () => host.post({ type: 'startReceiver' }));

  root.replaceChildren(
    h(
      'section',
      { class: 'empty', 'aria-label': 'Cost' },
      h('h2', {}, 'Cost of your agent runs'),
      h('p', { class: 'muted' }, 'Tokens and dollars per session, model, agent and tool, with budgets and loop alarms, appear here as soon as a run arrives.'),
      h(
        'div',
        { class: 'counts', 'aria-live': 'polite' },
        h('div', {}, h('strong', { id: 'span-count' }, receiver.spans.toLocaleString('en-US')), h('span', { class: 'muted' }, 'spans')),
        h('div', {}, h('strong', { id: 'session-count' }, receiver.sessions.toLocaleString('en-US')), h('span', { class: 'muted' }, 'sessions')),
      ),
      h('h2', {}, 'Send a run'),
      endpoint
        ? h('div', { class: 'endpoint' }, h('code', { id: 'endpoint', title: endpoint }, endpoint), copy)
        : h('div', { class: 'endpoint' }, h('span', { class: 'muted', id: 'endpoint' }, 'The receiver is not running.'), start),
      h(
        'ol',
        { class: 'steps' },
        h('li', {}, 'Set ', h('code', {}, `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint ?? 'http://127.0.0.1:4318'}`), ' for your agent (any OpenTelemetry SDK, HTTP or gRPC).'),
        h('li', {}, 'Run it: its spans land in the Sessions view above.'),
        h('li', {}, 'Or record from a terminal: ', h('code', {}, 'npx agent-debugger record --out run.otlp.json -- node agent.js')),
      ),
    ),
  );
}

host.onMessage((message) => {
  if (message.type === 'snapshot') render(message.receiver);
});
render({ spans: 0, sessions: 0 });
host.post({ type: 'ready' });
