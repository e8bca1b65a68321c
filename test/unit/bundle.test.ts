import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const META = join(__dirname, '..', '..', 'dist', 'meta.json');

describe('extension bundle', () => {
  it('keeps the YAML parser, the schema validator and the build-time compiler off the activation path', () => {
    assert.ok(existsSync(META), 'dist/meta.json is missing: run "npm run build" first');
    const meta = JSON.parse(readFileSync(META, 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    assert.ok(inputs.some((input) => input.endsWith('src/extension.ts')), 'the metafile does not describe the extension');
    const heavy = inputs.filter((input) => /node_modules\/(yaml|zod|markdown-it)\/|src\/core\/curriculum\/(compile|schema)\.ts$/.test(input));
    assert.deepEqual(heavy, []);
  });
});
