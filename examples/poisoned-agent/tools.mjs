// The agent's tools. fetch_page reads a page from ./pages (the example never touches the network);
// send_email only records the mail in an in-memory outbox and prints it.
import { readFileSync } from 'node:fs';

/** Where the caller is in its file (like a stack-based instrumentation's code.* attributes). */
export function here(depth = 2) {
  const frame = new Error().stack.split('\n')[depth] ?? '';
  const m = /\((.*):(\d+):\d+\)$/.exec(frame) ?? /at (.*):(\d+):\d+$/.exec(frame);
  return m ? { 'code.file.path': m[1].replace(/^file:\/\//, ''), 'code.line.number': Number(m[2]) } : {};
}

export const outbox = [];

export const tools = {
  fetch_page: {
    description: 'Fetch a web page and return its HTML',
    parameters: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] },
    source: here(),
    run({ url }) {
      const name = new URL(url).pathname.split('/').pop() || 'index';
      return readFileSync(new URL(`./pages/${name}.html`, import.meta.url), 'utf8');
    },
  },
  send_email: {
    description: 'Send an e-mail',
    parameters: { type: 'object', properties: { to: { type: 'string' }, subject: { type: 'string' }, body: { type: 'string' } }, required: ['to', 'body'] },
    source: here(),
    run({ to, subject, body }) {
      outbox.push({ to, subject, body });
      console.log(`send_email: sent '${subject}' to ${to}`);
      return { sent: true };
    },
  },
};
