import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { diskTemplateTree, sharedFileDrift, undeclaredCopies, type SharedFile, type TemplateTree } from '../../../scripts/shared-template-files';

const ROOT = join(__dirname, '..', '..', '..');

/** Templates in memory: project -> path -> text. */
function fakeTree(templates: Record<string, Record<string, string>>): TemplateTree {
  return {
    projects: () => Object.keys(templates).sort(),
    files: (project) => Object.keys(templates[project] ?? {}).sort(),
    read: (project, path) => {
      const text = templates[project]?.[path];
      return text === undefined ? undefined : new TextEncoder().encode(text);
    },
  };
}

const SHARED: readonly SharedFile[] = [{ path: 'harness/random.ts', templates: ['a', 'b', 'c'] }];

describe('shared template files', () => {
  it('are the same in every template that shares them', () => {
    const drift = sharedFileDrift(diskTemplateTree(ROOT));
    assert.deepEqual(drift, [], `shared template files out of step:\n${drift.join('\n')}`);
  });

  it('are all declared: no file is the same in two templates without being declared shared', () => {
    const copies = undeclaredCopies(diskTemplateTree(ROOT));
    assert.deepEqual(copies, [], `template files copied but not declared shared:\n${copies.join('\n')}`);
  });

  it('report a copy that differs, naming both files, the first differing line and how to sync', () => {
    const tree = fakeTree({
      a: { 'harness/random.ts': 'one\ntwo\n' },
      b: { 'harness/random.ts': 'one\ntwo\n' },
      c: { 'harness/random.ts': 'one\nTWO\n' },
    });
    assert.deepEqual(sharedFileDrift(tree, SHARED), [
      'curriculum/projects/c/template/harness/random.ts differs from the canonical curriculum/projects/a/template/harness/random.ts ' +
        '(first at line 2). Edit the canonical copy and run `npm run sync:templates`, or keep this one with `npm run sync:templates -- --from c`.',
    ]);
  });

  it('report a missing copy and a missing canonical copy', () => {
    assert.match(
      sharedFileDrift(fakeTree({ a: { 'harness/random.ts': 'x' }, b: {}, c: { 'harness/random.ts': 'x' } }), SHARED).join('\n'),
      /^curriculum\/projects\/b\/template\/harness\/random\.ts is missing: run `npm run sync:templates`/,
    );
    assert.match(
      sharedFileDrift(fakeTree({ a: {}, b: {}, c: {} }), SHARED).join('\n'),
      /^curriculum\/projects\/a\/template\/harness\/random\.ts \(the canonical copy\) is missing\.$/,
    );
  });

  it('report a template declared to share a file that does not exist', () => {
    assert.deepEqual(sharedFileDrift(fakeTree({ a: { 'harness/random.ts': 'x' }, b: { 'harness/random.ts': 'x' } }), SHARED), [
      'harness/random.ts: declared shared by c, which has no template folder.',
    ]);
  });

  it('report identical files that are not declared shared, and only those', () => {
    const tree = fakeTree({
      a: { 'harness/random.ts': 'r', 'tsconfig.json': '{}', 'README.md': '# a' },
      b: { 'harness/random.ts': 'r', 'tsconfig.json': '{}', 'README.md': '# b' },
      c: { 'harness/random.ts': 'r', 'tsconfig.json': '{ "strict": true }', 'README.md': '# b' },
    });
    assert.deepEqual(undeclaredCopies(tree, SHARED), [
      'README.md is the same in the templates b, c but not declared shared: add it to SHARED_TEMPLATE_FILES in scripts/shared-template-files.ts, or let the copies differ.',
      'tsconfig.json is the same in the templates a, b but not declared shared: add it to SHARED_TEMPLATE_FILES in scripts/shared-template-files.ts, or let the copies differ.',
    ]);
  });
});
