import * as assert from 'node:assert/strict';
import { ProjectRecords } from '../../../src/core/progress/projectRecords';
import { FakeMemento } from '../../fakes/memento';

describe('ProjectRecords', () => {
  it('keeps what another window recorded: each write merges with the stored value', async () => {
    const shared = new FakeMemento();
    const first = new ProjectRecords(shared, 'projects');
    const second = new ProjectRecords(shared, 'projects'); // opened before the first one wrote
    await first.recordScaffold('file-sharing', { folder: 'file:///a', at: '2026-01-01T00:00:00.000Z' });
    await second.recordCheck('file-sharing/discovery', { at: '2026-01-02T00:00:00.000Z', outcome: 'passed', summary: '5 tests passed' });
    assert.equal(second.scaffold('file-sharing')?.folder, 'file:///a');
    const reopened = new ProjectRecords(shared, 'projects');
    assert.equal(reopened.scaffold('file-sharing')?.folder, 'file:///a');
    assert.equal(reopened.lastCheck('file-sharing/discovery')?.outcome, 'passed');
  });

  it('takes the later of two records of the same project', async () => {
    const shared = new FakeMemento();
    const first = new ProjectRecords(shared, 'projects');
    const second = new ProjectRecords(shared, 'projects');
    await first.recordScaffold('file-sharing', { folder: 'file:///new', at: '2026-03-01T00:00:00.000Z' });
    await second.recordCheck('file-sharing/discovery', { at: '2026-01-02T00:00:00.000Z', outcome: 'failed', summary: '1 of 5 tests failed' });
    assert.equal(new ProjectRecords(shared, 'projects').scaffold('file-sharing')?.folder, 'file:///new');
  });

  it('keeps an unverified check, with the tests that did not run, across a reopen', async () => {
    const shared = new FakeMemento();
    const record = { at: '2026-01-02T00:00:00.000Z', outcome: 'unverified', summary: '1 of 9 tests did not run', notRun: ['live run: no cluster'] } as const;
    await new ProjectRecords(shared, 'projects').recordCheck('microservices/kubernetes', record);
    assert.deepEqual(new ProjectRecords(shared, 'projects').lastCheck('microservices/kubernetes'), record);
  });

  it('drops a check whose failing or not-run tests are not a list of lines', () => {
    const at = '2026-01-02T00:00:00.000Z';
    const records = new ProjectRecords(
      new FakeMemento({
        projects: {
          version: 1,
          scaffolds: {},
          checks: {
            'a/b': { at, outcome: 'unverified', summary: 's', notRun: 7 },
            'a/c': { at, outcome: 'failed', summary: 's', failures: [1] },
            'a/d': { at, outcome: 'unverified', summary: 's', notRun: ['x: no cluster'] },
          },
        },
      }),
      'projects',
    );
    assert.equal(records.lastCheck('a/b'), undefined);
    assert.equal(records.lastCheck('a/c'), undefined);
    assert.deepEqual(records.lastCheck('a/d')?.notRun, ['x: no cluster']);
  });

  it('drops unreadable stored entries instead of failing', () => {
    const records = new ProjectRecords(new FakeMemento({ projects: { version: 1, scaffolds: { x: { folder: 3 } }, checks: 'no' } }), 'projects');
    assert.equal(records.scaffold('x'), undefined);
    assert.equal(records.lastCheck('x/y'), undefined);
  });
});
