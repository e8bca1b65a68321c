// Placeholder: this milestone's suite is being written.
import { test } from 'node:test';
test('not written yet', () => {
  throw new Error('TODO(milestone 0): suite not written yet');
});
