import * as assert from 'node:assert/strict';
import { checkRelativePath } from '../../../src/core/scaffold/paths';

/** Template entries that must never be written: each with the reason it is refused. */
const HOSTILE: [string, RegExp][] = [
  ['', /empty/],
  ['../escape.txt', /contains "\.\."/],
  ['a/../../escape.txt', /contains "\.\."/],
  ['a/b/../../../etc/passwd', /contains "\.\."/],
  ['..', /contains "\.\."/],
  ['./a', /contains "\."/],
  ['a/./b', /contains "\."/],
  ['/etc/passwd', /absolute/],
  ['/', /absolute/],
  ['//server/share/x', /absolute/],
  ['C:/Windows/system.ini', /drive letter/],
  ['c:relative.txt', /drive letter/],
  ['C:\\Windows\\x', /backslash/],
  ['a\\..\\..\\b', /backslash/],
  ['\\\\server\\share', /backslash/],
  ['a\u0000b', /NUL/],
  ['a/\u0000', /NUL/],
  ['a//b', /empty name/],
  ['a/', /empty name/],
  ['~/.bashrc', /"~"/],
  ['~root/x', /"~"/],
  ['a/b\u0007c', /not allowed/],
  ['a/b\nc', /not allowed/],
  ['file:stream', /not allowed/],
  ['a/b?.txt', /not allowed/],
  ['a/<b>', /not allowed/],
  ['a/"quoted"', /not allowed/],
  ['a/pipe|x', /not allowed/],
  ['star*', /not allowed/],
  ['CON', /reserved device/],
  ['nul.txt', /reserved device/],
  ['a/com1.log', /reserved device/],
  ['LPT9', /reserved device/],
  ['trailing.', /ends with a dot or space/],
  ['trailing ', /ends with a dot or space/],
  [' leading', /starts with a space/],
  ['a'.repeat(256), /longer than 255/],
  [`${'a/'.repeat(600)}x`, /longer than 1024/],
];

describe('checkRelativePath', () => {
  it(`refuses every one of ${HOSTILE.length} hostile template paths, saying why`, () => {
    assert.ok(HOSTILE.length >= 30);
    for (const [path, reason] of HOSTILE) {
      const check = checkRelativePath(path);
      assert.equal(check.ok, false, `accepted ${JSON.stringify(path)}`);
      if (!check.ok) {
        assert.match(check.reason, reason, `wrong reason for ${JSON.stringify(path)}`);
      }
    }
  });

  it('accepts ordinary nested paths and dotfiles, splitting them into names', () => {
    for (const path of ['README.md', 'src/node.ts', '.gitignore', 'test/m1-single-node.test.ts', 'a/b/c/d.e.f', 'con-fig.txt']) {
      const check = checkRelativePath(path);
      assert.ok(check.ok, path);
    }
    const check = checkRelativePath('src/harness/proxy.ts');
    assert.ok(check.ok);
    assert.deepEqual(check.segments, ['src', 'harness', 'proxy.ts']);
  });
});
