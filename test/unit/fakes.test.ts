import * as assert from 'node:assert/strict';
import { FakeMemento } from '../fakes/memento';

describe('FakeMemento', () => {
  it('returns stored false, 0 and empty string as stored, not as missing', async () => {
    const memento = new FakeMemento();
    await memento.update('f', false);
    await memento.update('z', 0);
    await memento.update('e', '');
    assert.equal(memento.get('f'), false);
    assert.equal(memento.get('z'), 0);
    assert.equal(memento.get('e'), '');
    assert.equal(memento.get('missing'), undefined);
  });

  it('copies values so later mutation of the original does not leak into the store', async () => {
    const memento = new FakeMemento();
    const value = { a: 1 };
    await memento.update('k', value);
    value.a = 2;
    assert.deepEqual(memento.get('k'), { a: 1 });
  });
});
