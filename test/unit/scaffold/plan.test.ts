import * as assert from 'node:assert/strict';
import { applyScaffold, planScaffold, ScaffoldConflictError, ScaffoldPlanError, ScaffoldWriteError } from '../../../src/core/scaffold/plan';
import { packageNameFrom, substitute, UndeclaredVariableError, variablesIn } from '../../../src/core/scaffold/render';
import type { CompiledTemplate } from '../../../src/core/scaffold/template';
import { MemoryFileSystem, MemoryTemplateSource } from '../../fakes/memoryFs';

const VALUES = { projectName: 'my-db' };

function template(paths: readonly string[], binary: readonly string[] = []): CompiledTemplate {
  return {
    project: 'fault-tolerant-db',
    minNodeVersion: '22.18.0',
    readme: 'README.md',
    variables: [{ name: 'projectName', description: 'name', default: 'fault-tolerant-db' }],
    milestones: [{ id: 'single-node-wal', tests: ['test/m1.test.ts'] }],
    files: paths.map((path) => ({ path, binary: binary.includes(path) })),
  };
}

async function scaffold(fs: MemoryFileSystem, files: Record<string, string | Uint8Array>, skipExisting = false) {
  const tpl = template(Object.keys(files));
  const plan = await planScaffold(tpl, VALUES, fs);
  const result = await applyScaffold(tpl, plan, VALUES, new MemoryTemplateSource(files), fs, { skipExisting });
  return { plan, result };
}

/** A 20-file template with nested folders, a variable in a name and a binary file. */
const TWENTY: Record<string, string | Uint8Array> = Object.fromEntries<string | Uint8Array>([
  ['README.md', '# {{projectName}}\n'] as [string, string],
  ['package.json', '{ "name": "{{projectName}}" }\n'],
  ['docs/{{projectName}}.md', 'About {{ projectName }}.\n'],
  ['media/logo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 0x7b, 0x7b])],
  ...Array.from({ length: 8 }, (_, i): [string, string] => [`src/part${i}.ts`, `export const part${i} = '{{projectName}}';\n`]),
  ...Array.from({ length: 8 }, (_, i): [string, string] => [`test/deep/m${i}/t${i}.test.ts`, `// test ${i}\n`]),
]);

describe('template rendering', () => {
  it('substitutes declared variables, with or without spaces inside the braces', () => {
    assert.equal(substitute('a {{projectName}} b {{ projectName }}', VALUES, 'x'), 'a my-db b my-db');
  });

  it('refuses an undeclared variable, naming where it is used', () => {
    assert.throws(() => substitute('{{projectNmae}}', VALUES, 'README.md'), UndeclaredVariableError);
    assert.throws(() => substitute('{{projectNmae}}', VALUES, 'README.md'), /README\.md uses \{\{projectNmae\}\}/);
  });

  it('leaves braces that are not variable references alone', () => {
    assert.equal(substitute('const o = {{a: 1}}; `${x}`', VALUES, 'x'), 'const o = {{a: 1}}; `${x}`');
  });

  it('lists the variables a text uses', () => {
    assert.deepEqual(variablesIn('{{a}} {{b}} {{a}}'), ['a', 'b']);
  });

  it('derives a package name from a folder name', () => {
    assert.equal(packageNameFrom('My Project (copy)', 'x'), 'my-project-copy');
    assert.equal(packageNameFrom('...', 'fallback'), 'fallback');
  });
});

describe('planScaffold and applyScaffold', () => {
  it('writes every file with variables substituted in names and contents', async () => {
    const fs = new MemoryFileSystem();
    const { result } = await scaffold(fs, TWENTY);
    assert.equal(result.written.length, 20);
    assert.equal(fs.text('README.md'), '# my-db\n');
    assert.equal(fs.text('docs/my-db.md'), 'About my-db.\n');
    assert.equal(fs.text('src/part3.ts'), "export const part3 = 'my-db';\n");
  });

  it('copies binary files byte for byte, braces and all', async () => {
    const fs = new MemoryFileSystem();
    await scaffold(fs, TWENTY);
    const entry = fs.entries.get('media/logo.png');
    assert.ok(entry?.kind === 'file');
    assert.deepEqual([...entry.content], [0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 0x7b, 0x7b]);
  });

  it('plans folders parents first and reports files that exist as conflicts', async () => {
    const fs = new MemoryFileSystem().addFile('README.md', 'mine');
    const plan = await planScaffold(template(Object.keys(TWENTY)), VALUES, fs);
    assert.deepEqual(plan.conflicts, ['README.md']);
    assert.ok(plan.directories.indexOf('test') < plan.directories.indexOf('test/deep'));
    assert.ok(plan.directories.indexOf('test/deep') < plan.directories.indexOf('test/deep/m0'));
  });

  it('stops before writing anything when a file exists and new-files-only was not chosen', async () => {
    const fs = new MemoryFileSystem().addFile('src/part0.ts', 'my work');
    const before = fs.snapshot();
    await assert.rejects(scaffold(fs, TWENTY), ScaffoldConflictError);
    assert.equal(fs.snapshot(), before);
  });

  it('writes only the new files when asked, leaving existing ones byte-identical', async () => {
    const fs = new MemoryFileSystem().addFile('src/part0.ts', 'my work').addFile('README.md', 'my readme');
    const { result } = await scaffold(fs, TWENTY, true);
    assert.deepEqual([...result.skipped].sort(), ['README.md', 'src/part0.ts']);
    assert.equal(result.written.length, 18);
    assert.equal(fs.text('src/part0.ts'), 'my work');
    assert.equal(fs.text('README.md'), 'my readme');
  });

  it('refuses to write through a symbolic link in the target', async () => {
    const fs = new MemoryFileSystem().addSymlink('src');
    const before = fs.snapshot();
    await assert.rejects(scaffold(fs, TWENTY), (error: Error) => {
      assert.ok(error instanceof ScaffoldPlanError);
      assert.match(error.message, /"src" in the target folder is a symbolic link/);
      return true;
    });
    assert.equal(fs.snapshot(), before);
  });

  it('refuses when a file stands where the template needs a folder', async () => {
    const fs = new MemoryFileSystem().addFile('docs', 'a file');
    await assert.rejects(scaffold(fs, TWENTY), /"docs" exists in the target folder but is not a folder/);
  });

  it('refuses when a folder stands where the template writes a file', async () => {
    const fs = new MemoryFileSystem().addDirectory('README.md');
    await assert.rejects(scaffold(fs, TWENTY), /"README\.md" exists in the target folder as a folder/);
  });

  it('refuses a template path that escapes once its variable is substituted', async () => {
    const tpl = template(['{{projectName}}/x.txt']);
    await assert.rejects(planScaffold(tpl, { projectName: '..' }, new MemoryFileSystem()), /would be written to "\.\.\/x\.txt": the path contains "\.\."/);
  });

  it('refuses two template files that collide on a case-insensitive file system', async () => {
    await assert.rejects(planScaffold(template(['README.md', 'readme.md']), VALUES, new MemoryFileSystem()), /would both be written/);
  });

  it('never overwrites a file that appears between plan and apply', async () => {
    const fs = new MemoryFileSystem();
    const tpl = template(Object.keys(TWENTY));
    const plan = await planScaffold(tpl, VALUES, fs);
    fs.addFile('src/part5.ts', 'written meanwhile');
    await assert.rejects(applyScaffold(tpl, plan, VALUES, new MemoryTemplateSource(TWENTY), fs, { skipExisting: false }), ScaffoldWriteError);
    assert.equal(fs.text('src/part5.ts'), 'written meanwhile');
    assert.equal(fs.text('README.md'), undefined);
  });

  it('never writes through a folder swapped for a symbolic link between plan and apply', async () => {
    const fs = new MemoryFileSystem().addDirectory('src');
    const tpl = template(Object.keys(TWENTY));
    const plan = await planScaffold(tpl, VALUES, fs);
    fs.swapForSymlink('src'); // while the conflict dialog waited
    await assert.rejects(applyScaffold(tpl, plan, VALUES, new MemoryTemplateSource(TWENTY), fs, { skipExisting: false }), (error: Error) => {
      assert.ok(error instanceof ScaffoldWriteError);
      assert.match(error.message, /"src" became a symbolic link after the plan was made/);
      return true;
    });
    assert.deepEqual(fs.throughLinks, []);
    assert.equal(fs.text('README.md'), undefined, 'what was written before is rolled back');
  });

  for (const [folder, afterWrites] of [
    ['src', 3],
    ['test/deep', 12],
    ['test/deep/m2', 14],
  ] as const) {
    it(`never writes or deletes through ${folder} swapped for a symbolic link after write ${afterWrites}`, async () => {
      const fs = new MemoryFileSystem().addDirectory('test/deep/m2');
      fs.afterWrite = (_path, writes) => {
        if (writes === afterWrites) {
          fs.swapForSymlink(folder);
        }
      };
      await assert.rejects(scaffold(fs, TWENTY), (error: Error) => {
        assert.ok(error instanceof ScaffoldWriteError);
        assert.match(error.message, /became a symbolic link after the plan was made/);
        return true;
      });
      assert.deepEqual(fs.throughLinks, []);
      assert.deepEqual(
        [...fs.entries.keys()].filter((path) => fs.entries.get(path)?.kind === 'file'),
        [],
        'every file this run wrote outside the link is removed again',
      );
    });
  }

  for (let failAt = 1; failAt <= 20; failAt++) {
    it(`leaves the workspace byte-identical when write ${failAt} of 20 fails`, async () => {
      const fs = new MemoryFileSystem().addFile('notes.txt', 'keep me').addDirectory('test');
      fs.failAtWrite = failAt;
      fs.failLeavesPartialFile = failAt % 2 === 0;
      const before = fs.snapshot();
      await assert.rejects(scaffold(fs, TWENTY), (error: Error) => {
        assert.ok(error instanceof ScaffoldWriteError);
        assert.match(error.message, /ENOSPC/);
        assert.deepEqual(error.leftBehind, []);
        return true;
      });
      assert.equal(fs.snapshot(), before);
    });
  }

  it('says what it could not remove when the rollback itself fails', async () => {
    const fs = new MemoryFileSystem();
    fs.failAtWrite = 3;
    const original = fs.delete.bind(fs);
    fs.delete = (path: string) => (path === 'README.md' ? Promise.reject(new Error('EACCES')) : original(path));
    await assert.rejects(scaffold(fs, TWENTY), (error: Error) => {
      assert.ok(error instanceof ScaffoldWriteError);
      assert.ok(error.leftBehind.includes('README.md'));
      assert.match(error.message, /Could not remove what this run created at: .*README\.md/);
      return true;
    });
  });
});
