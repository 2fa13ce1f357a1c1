// The injection corpus (test/fixtures/safety/injection-corpus.json): every sample is the result of a
// fetch_page tool in a small agent run, and findSafety must flag the injections and leave the look-alikes
// alone. Prints the detection and false-positive rates with the cases that missed.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findSafety } from '../../../src/core/safety';
import { agentRun } from './session';

interface Case {
  id: string;
  category: string;
  expect: 'injection' | 'benign';
  text: string;
}

const corpus = (JSON.parse(readFileSync(path.join(__dirname, '../../../../test/fixtures/safety/injection-corpus.json'), 'utf8')) as { cases: Case[] }).cases;

describe('safety: injection corpus', () => {
  it('has at least 40 injections (each category) and 40 benign look-alikes', () => {
    const injections = corpus.filter((c) => c.expect === 'injection');
    assert.ok(injections.length >= 40, `${injections.length} injections`);
    assert.ok(corpus.filter((c) => c.expect === 'benign').length >= 40);
    for (const cat of ['direct', 'indirect', 'hidden', 'exfiltration', 'multilingual']) assert.ok(injections.some((c) => c.category === cat), cat);
  });

  it('detects >= 90% of the injections with <= 5% false positives (printed, with the cases)', () => {
    const rows = corpus.map((c) => {
      const steps = agentRun([{ user: 'Summarise the page', calls: [{ name: 'fetch_page', args: { url: 'https://site.test/page' }, result: c.text }] }]);
      const found = findSafety(steps).filter((f) => f.kind === 'injection');
      return { c, found };
    });
    const inj = rows.filter((r) => r.c.expect === 'injection');
    const benign = rows.filter((r) => r.c.expect === 'benign');
    const missed = inj.filter((r) => r.found.length === 0);
    const falsePos = benign.filter((r) => r.found.length > 0);
    const detection = (inj.length - missed.length) / inj.length;
    const fpRate = falsePos.length / benign.length;
    const lines = [
      `injection corpus: detection ${(detection * 100).toFixed(1)}% (${inj.length - missed.length}/${inj.length}), false positives ${(fpRate * 100).toFixed(1)}% (${falsePos.length}/${benign.length})`,
      ...rows.map((r) => `  ${r.c.expect === 'injection' ? (r.found.length ? 'detected ' : 'MISSED   ') : r.found.length ? 'FALSE-POS' : 'clean    '} ${r.c.id.padEnd(12)} ${r.c.category.padEnd(13)} ${r.found.map((f) => f.rule).join(', ')}`),
    ];
    console.log(lines.join('\n'));
    // Every finding says where and why, and is marked a heuristic.
    for (const r of inj) for (const f of r.found) assert.ok(f.heuristic && f.why && f.offset !== undefined && f.match !== undefined && f.field.startsWith('result'), JSON.stringify(f));
    assert.ok(detection >= 0.9, `detection ${detection}`);
    assert.ok(fpRate <= 0.05, `false positives ${fpRate}: ${falsePos.map((r) => r.c.id).join(', ')}`);
  });
});
