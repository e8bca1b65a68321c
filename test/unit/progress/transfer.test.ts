import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCompiledCurriculum } from '../../../src/core/curriculum/load';
import { findProject, findStep, findTopic, type Curriculum } from '../../../src/core/curriculum/model';
import type { ProgressRecord, StampedRecord } from '../../../src/core/progress/codec';
import { milestoneKey } from '../../../src/core/curriculum/model';
import { EXPORT_FORMAT, exportJson, markdownReport, parseImport, resetIds } from '../../../src/core/progress/transfer';
import { distFile } from '../freshBuild';

function shipped(): Curriculum {
  const file = distFile('curriculum.json');
  const result = parseCompiledCurriculum(readFileSync(file, 'utf8'), file);
  assert.ok(result.ok, 'dist/curriculum.json does not parse');
  return result.curriculum;
}

const done = (at: string, stamp: string, extra: Partial<StampedRecord> = {}): StampedRecord => ({
  state: 'done',
  at,
  origin: 'self-reported',
  stamp,
  ...extra,
});
const KNOWN = new Set(['fundamentals', 'networks', 'clocks']);
/** This machine's clock when the tests read files: 2026-04-01. */
const NOW = Date.parse('2026-04-01T00:00:00.000Z');
const KEY = 'a'.repeat(64);
const READ = { now: NOW, signingKey: KEY };

describe('progress export and import', () => {
  it('exports every record with its stamp, sorted, and reads it back exactly', () => {
    const records = new Map([
      ['networks', done('2026-03-01T10:00:00.000Z', '1772359200000-000000-wa')],
      ['clocks', done('2026-02-01T10:00:00.000Z', '1769940000000-000002-wb', { origin: 'verified', evidence: { tests: 4 } })],
    ]);
    const text = exportJson(records, { exportedAt: new Date('2026-04-01T00:00:00.000Z'), signingKey: KEY });
    const value = JSON.parse(text) as { format: string; exportedAt: string; version: number; records: object };
    assert.equal(value.format, EXPORT_FORMAT);
    assert.equal(value.exportedAt, '2026-04-01T00:00:00.000Z');
    assert.deepEqual(Object.keys(value.records), ['clocks', 'networks']);
    const back = parseImport(text, 'backup.json', KNOWN, READ);
    assert.deepEqual(back.skipped, []);
    assert.deepEqual(back.unverified, []);
    assert.deepEqual(back.records, new Map([...records].sort(([a], [b]) => a.localeCompare(b))));
  });

  it('names the file, line and column of a JSON syntax error, and what to do', () => {
    const text = '{\n  "format": "ds-roadmap-progress",\n  "version": 3,\n  "records": {,}\n}\n';
    assert.throws(
      () => parseImport(text, '/home/me/backup.json', KNOWN, READ),
      (error: Error) => {
        assert.match(error.message, /^\/home\/me\/backup\.json:4:\d+ is not valid JSON/);
        assert.match(error.message, /Choose a file made by "Export Progress…" as JSON\./);
        return true;
      },
    );
  });

  it('refuses JSON that is not a backup, saying what it lacks', () => {
    for (const text of ['[]', '"text"', '{"records": {}}', '{"format": "something-else", "version": 3, "records": {}}']) {
      assert.throws(() => parseImport(text, 'x.json', KNOWN, READ), /x\.json is not a roadmap progress backup: it has no "version" and "records"/, text);
    }
  });

  it('skips unknown items and unreadable records with a reason each, and keeps the rest', () => {
    const text = JSON.stringify({
      format: EXPORT_FORMAT,
      version: 3,
      records: {
        networks: done('2026-03-01T10:00:00.000Z', '1772359200000-000000-wa'),
        'removed-topic': done('2026-03-01T10:00:00.000Z', '1772359200000-000001-wa'),
        clocks: { state: 'maybe' },
      },
    });
    const result = parseImport(text, 'b.json', KNOWN, READ);
    assert.deepEqual([...result.records.keys()], ['networks']);
    assert.deepEqual(result.skipped, ['the record of "clocks" is unreadable (b.json)', '"removed-topic" is not an item of this roadmap']);
  });

  it('imports older formats by migrating them, and says what a newer one held that it could not read', () => {
    const v1 = parseImport(JSON.stringify({ version: 1, completed: { fundamentals: '2025-01-01T00:00:00.000Z' } }), 'old.json', KNOWN, READ);
    assert.equal(v1.records.get('fundamentals')?.state, 'done');
    assert.deepEqual(v1.skipped, []);
    const v9 = parseImport(
      JSON.stringify({ version: 9, records: { networks: done('2026-03-01T10:00:00.000Z', '1772359200000-000000-wa') } }),
      'new.json',
      KNOWN,
      READ,
    );
    assert.equal(v9.records.get('networks')?.state, 'done');
    assert.ok(
      v9.skipped.some((line) => /update the extension to import them all/.test(line)),
      v9.skipped.join('\n'),
    );
  });
});

describe('progress files from elsewhere', () => {
  const verified = done('2026-03-01T10:00:00.000Z', '1772359200000-000000-wa', { origin: 'verified', evidence: { tests: 12, commit: 'abc' } });

  it("keeps verified completions only in a file signed with the learner's own key", () => {
    const records = new Map([['clocks', verified]]);
    const mine = parseImport(exportJson(records, { signingKey: KEY }), 'mine.json', KNOWN, READ);
    assert.equal(mine.records.get('clocks')?.origin, 'verified');
    assert.deepEqual(mine.unverified, []);
    for (const [why, text] of [
      ['unsigned', exportJson(records)],
      ['signed by another learner', exportJson(records, { signingKey: 'b'.repeat(64) })],
      ['edited after signing', exportJson(records, { signingKey: KEY }).replace('"tests": 12', '"tests": 13')],
      [
        'a signature copied onto other records',
        exportJson(new Map([['networks', verified]]), {}).replace(
          /\n}\n$/,
          `,\n"signature": ${JSON.stringify((JSON.parse(exportJson(records, { signingKey: KEY })) as { signature: string }).signature)}\n}\n`,
        ),
      ],
    ] as const) {
      const read = parseImport(text, 'other.json', KNOWN, READ);
      const [id, record] = [...read.records][0];
      assert.equal(record.origin, 'self-reported', why);
      assert.equal(record.evidence, undefined, why);
      assert.equal(record.state, 'done', why);
      assert.equal(record.stamp, verified.stamp, why);
      assert.deepEqual(read.unverified, [id], why);
    }
  });

  it("leaves out records stamped more than a day ahead of this computer's clock, the top of the range included", () => {
    const ahead = (wall: number) => done('2026-03-01T10:00:00.000Z', `${String(wall).padStart(13, '0')}-000000-wa`);
    const text = exportJson(
      new Map([
        ['fundamentals', ahead(9_999_999_999_999)],
        ['networks', ahead(NOW + 25 * 60 * 60 * 1000)],
        ['clocks', ahead(NOW + 23 * 60 * 60 * 1000)],
      ]),
    );
    const read = parseImport(text, 'b.json', KNOWN, READ);
    assert.deepEqual([...read.records.keys()], ['clocks']);
    assert.equal(read.skipped.length, 2);
    assert.match(read.skipped.join('\n'), /the record of "fundamentals" is stamped 95,[0-9,]+ days ahead of this computer's clock/);
    assert.match(read.skipped.join('\n'), /the record of "networks" is stamped a day ahead/);
  });
});

describe('progress report', () => {
  it('lists steps with their counts or dates, topics ticked with dates, and verified milestones with evidence', () => {
    const curriculum = shipped();
    const firstStep = curriculum.steps[0];
    const topic = firstStep.topics[0];
    const project = curriculum.steps[5].projects?.[0];
    assert.ok(project?.milestones?.[0]);
    const milestone = project.milestones[0];
    const records = new Map<string, ProgressRecord>([
      [topic.id, { state: 'done', at: '2026-03-02T10:00:00.000Z', origin: 'self-reported' }],
      [curriculum.steps[1].id, { state: 'done', at: '2026-04-05T10:00:00.000Z', origin: 'self-reported' }],
      [milestoneKey(project.id, milestone.id), { state: 'done', at: '2026-05-06T10:00:00.000Z', origin: 'verified', evidence: { passed: 7, failed: 0 } }],
    ]);
    const report = markdownReport(curriculum, (id) => records.get(id), new Date('2026-06-01T00:00:00.000Z'));
    assert.match(report, /^# .+: progress\n\nExported 2026-06-01\./);
    assert.ok(report.includes(`| 1 | ${firstStep.title} | 1/${firstStep.topics.length} |`), report);
    // Step 2 marked done with no topic done: not done under the step rule, its count shown.
    assert.ok(report.includes(`| 2 | ${curriculum.steps[1].title} | 0/${curriculum.steps[1].topics.length} |`), report);
    const allOfStep3 = new Map<string, ProgressRecord>(
      curriculum.steps[2].topics.map((t, i) => [
        t.id,
        { state: 'done', at: `2026-04-${String(10 + i).padStart(2, '0')}T10:00:00.000Z`, origin: 'self-reported' },
      ]),
    );
    const last = `2026-04-${String(9 + curriculum.steps[2].topics.length).padStart(2, '0')}`;
    assert.ok(markdownReport(curriculum, (id) => allOfStep3.get(id), new Date()).includes(`| 3 | ${curriculum.steps[2].title} | ${last} |`));
    assert.ok(report.includes(`- [x] ${topic.title} (2026-03-02)`), report);
    assert.ok(report.includes(`- [ ] ${firstStep.topics[1].title}\n`), report);
    assert.ok(report.includes(`| 2026-05-06 | verified by its tests | passed: 7, failed: 0 |`), report);
  });

  it('says so when no milestone is done, and escapes Markdown in titles', () => {
    const curriculum = shipped();
    const tricky: Curriculum = { ...curriculum, title: 'Roadmap *with* [links]' };
    const report = markdownReport(tricky, () => undefined, new Date('2026-06-01T00:00:00.000Z'));
    assert.ok(report.includes('No milestone is done yet.'));
    assert.ok(report.startsWith('# Roadmap \\*with\\* \\[links\\]: progress'), report.slice(0, 80));
  });
});

describe('scoped reset', () => {
  it('covers a topic alone, a project with its milestones, and a step with all inside it', () => {
    const curriculum = shipped();
    const found = findTopic(curriculum, curriculum.steps[0].topics[2].id);
    assert.ok(found);
    assert.deepEqual(resetIds({ kind: 'topic', topic: found.topic }), [found.topic.id]);

    const project = findProject(curriculum, curriculum.steps[5].projects?.[0]?.id ?? '');
    assert.ok(project);
    const projectIds = resetIds({ kind: 'project', project });
    assert.equal(projectIds[0], project.id);
    assert.deepEqual(
      projectIds.slice(1),
      (project.milestones ?? []).map((m) => milestoneKey(project.id, m.id)),
    );

    const step = findStep(curriculum, curriculum.steps[0].id);
    assert.ok(step);
    const stepIds = resetIds({ kind: 'step', step });
    assert.equal(stepIds[0], step.id);
    for (const t of step.topics) {
      assert.ok(stepIds.includes(t.id), t.id);
    }
    const projects = resetIds({ kind: 'step', step: curriculum.steps[5] });
    for (const p of curriculum.steps[5].projects ?? []) {
      assert.ok(projects.includes(p.id), p.id);
      assert.ok(projects.includes(milestoneKey(p.id, p.milestones?.[0]?.id ?? '')), p.id);
    }
  });
});
