import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCompiledCurriculum } from '../../../src/core/curriculum/load';
import { progressItemIds, type Curriculum } from '../../../src/core/curriculum/model';
import { ProgressStore, UnknownProgressItemError } from '../../../src/core/progress/store';
import { checkboxChange, expandStepChanges, setDone } from '../../../src/core/roadmap/progressActions';
import { childNodes, stepNodes } from '../../../src/core/roadmap/treeModel';
import { FakeMemento } from '../../fakes/memento';
import { MemoryJournal } from '../../fakes/memoryJournal';

function shipped(): Curriculum {
  const file = join(__dirname, '..', '..', '..', 'dist', 'curriculum.json');
  const result = parseCompiledCurriculum(readFileSync(file, 'utf8'), file);
  assert.ok(result.ok, 'run "npm run build" first');
  return result.curriculum;
}

/** A real store over fakes that count its journal appends, its summary writes and its change events. */
async function target(curriculum: Curriculum) {
  const memento = new FakeMemento();
  const journal = new MemoryJournal();
  let appends = 0;
  const append = journal.append.bind(journal);
  journal.append = (name, text) => {
    appends += 1;
    return append(name, text);
  };
  const { store } = await ProgressStore.open(memento, {
    key: 'progress',
    setAsidePrefix: 'aside.',
    knownIds: progressItemIds(curriculum),
    journal,
    node: 'test',
  });
  const events: (readonly string[])[] = [];
  store.onDidChange((ids) => events.push(ids));
  const lines: string[] = [];
  return { roadmap: { curriculum, progress: store }, store, memento, events, lines, log: { info: (line: string) => lines.push(line) }, appends: () => appends };
}

describe('progress actions', () => {
  const curriculum = shipped();
  const [first, second] = curriculum.steps;

  it('marks several steps and topics done as one journal append, one summary write and one change event', async () => {
    const t = await target(curriculum);
    const writesBefore = t.memento.updates;
    await setDone(
      t.roadmap,
      [
        { kind: 'step', id: first.id, done: true },
        { kind: 'topic', id: second.topics[0].id, done: true },
        { kind: 'topic', id: second.topics[1].id, done: true },
      ],
      t.log,
    );
    assert.equal(t.appends(), 1);
    await t.store.flush();
    assert.equal(t.memento.updates - writesBefore, 1);
    assert.deepEqual(t.events, [[first.id, second.topics[0].id, second.topics[1].id]]);
    assert.ok(t.store.isDone(first.id) && t.store.isDone(second.topics[1].id));
    assert.equal(t.store.get(first.id)?.origin, 'self-reported');
    assert.deepEqual(t.lines, [
      `Marked step "${first.id}" complete.`,
      `Marked topic "${second.topics[0].id}" complete.`,
      `Marked topic "${second.topics[1].id}" complete.`,
    ]);
  });

  it('marks an item not done again, keeping its record', async () => {
    const t = await target(curriculum);
    await setDone(t.roadmap, [{ kind: 'topic', id: first.topics[0].id, done: true }], t.log);
    await setDone(t.roadmap, [{ kind: 'topic', id: first.topics[0].id, done: false }], t.log);
    assert.equal(t.store.get(first.topics[0].id)?.state, 'not-done');
    assert.equal(t.lines[1], `Marked topic "${first.topics[0].id}" incomplete.`);
  });

  it('refuses every change, writing nothing, when one names no step or topic of its kind', async () => {
    const t = await target(curriculum);
    await assert.rejects(
      setDone(
        t.roadmap,
        [
          { kind: 'step', id: first.id, done: true },
          { kind: 'topic', id: first.id, done: true },
        ],
        t.log,
      ),
      UnknownProgressItemError,
    );
    assert.equal(t.appends(), 0);
    assert.deepEqual(t.events, []);
    assert.ok(!t.store.isDone(first.id));
  });

  it('writes nothing for no change', async () => {
    const t = await target(curriculum);
    await setDone(t.roadmap, [], t.log);
    assert.equal(t.appends(), 0);
    assert.deepEqual(t.lines, []);
  });

  it('turns a ticked step or topic box into its change, and ignores nodes without a box', () => {
    const [stepNode] = stepNodes(curriculum);
    const children = childNodes(stepNode);
    const topicNode = children.find((node) => node.kind === 'topic');
    const detailNode = children.find((node) => node.kind === 'detail');
    assert.ok(topicNode && detailNode);
    assert.deepEqual(checkboxChange(stepNode, true), { kind: 'step', id: first.id, done: true });
    assert.deepEqual(checkboxChange(topicNode, false), { kind: 'topic', id: first.topics[0].id, done: false });
    assert.equal(checkboxChange(detailNode, true), undefined);
  });

  it("marks a step's topics with it: the topics left when done, every done topic when not done, explicit topic changes kept", () => {
    const done = new Set([first.topics[0].id, first.topics[1].id]);
    const progress = { isDone: (id: string) => done.has(id) };
    const left = first.topics.slice(2).map((topic) => ({ kind: 'topic', id: topic.id, done: true }));
    assert.deepEqual(expandStepChanges(curriculum, progress, [{ kind: 'step', id: first.id, done: true }]), {
      changes: [{ kind: 'step', id: first.id, done: true }, ...left],
      addedTopics: first.topics.length - 2,
    });
    assert.deepEqual(expandStepChanges(curriculum, progress, [{ kind: 'step', id: first.id, done: false }]), {
      changes: [
        { kind: 'step', id: first.id, done: false },
        { kind: 'topic', id: first.topics[0].id, done: false },
        { kind: 'topic', id: first.topics[1].id, done: false },
      ],
      addedTopics: 2,
    });
    // A topic unticked in the same event stays unticked; a topic-only event adds nothing.
    const mixed = expandStepChanges(curriculum, progress, [
      { kind: 'step', id: first.id, done: true },
      { kind: 'topic', id: first.topics[5].id, done: false },
    ]);
    assert.equal(mixed.changes.filter((change) => change.id === first.topics[5].id).length, 1);
    assert.equal(mixed.addedTopics, first.topics.length - 3);
    assert.deepEqual(expandStepChanges(curriculum, progress, [{ kind: 'topic', id: second.topics[0].id, done: true }]).addedTopics, 0);
    // The projects step has no topics: only its own mark.
    const projects = curriculum.steps[curriculum.steps.length - 1];
    assert.equal(expandStepChanges(curriculum, progress, [{ kind: 'step', id: projects.id, done: true }]).addedTopics, 0);
  });
});
