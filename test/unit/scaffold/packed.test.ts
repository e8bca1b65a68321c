import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { packedKey, unpackTemplateFiles } from '../../../src/core/scaffold/packed';
import type { CompiledTemplate } from '../../../src/core/scaffold/template';
import { distFile } from '../freshBuild';

const PROJECTS = join(__dirname, '..', '..', '..', 'curriculum', 'projects');

describe('packed template files', () => {
  it('hold every file of every shipped template byte for byte, and nothing else', () => {
    const files = unpackTemplateFiles(brotliDecompressSync(readFileSync(distFile('template-files.br'))));
    const templates = JSON.parse(readFileSync(distFile('templates.json'), 'utf8')) as CompiledTemplate[];
    const expected = new Set<string>();
    for (const template of templates) {
      const folder = join(PROJECTS, template.project, 'template');
      const onDisk = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(join(folder, name)).isFile());
      assert.deepEqual(template.files.map((file) => file.path).sort(), onDisk.map((name) => name.split('\\').join('/')).sort());
      for (const { path } of template.files) {
        const key = packedKey(template.project, path);
        expected.add(key);
        assert.ok(Buffer.from(readFileSync(join(folder, ...path.split('/')))).equals(Buffer.from(files.get(key) ?? [])), `${key} differs`);
      }
    }
    assert.deepEqual([...files.keys()].sort(), [...expected].sort());
  });

  it('refuses a container whose header or files are cut off', () => {
    assert.throws(() => unpackTemplateFiles(new Uint8Array([0, 0])), /header is cut off/);
    const header = new TextEncoder().encode(JSON.stringify([['p/a.txt', 0, 10]]));
    const container = new Uint8Array([0, 0, 0, header.length, ...header, 1, 2, 3]);
    assert.throws(() => unpackTemplateFiles(container), /p\/a\.txt is cut off/);
  });
});
