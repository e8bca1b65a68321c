import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { distFile } from './freshBuild';

interface Meta {
  outputs: Record<string, { inputs: Record<string, unknown>; entryPoint?: string }>;
}

/** The source files bundled into dist/extension.js: what activation loads. */
function activationInputs(): string[] {
  const meta = JSON.parse(readFileSync(distFile('meta.json'), 'utf8')) as Meta;
  const extension = Object.entries(meta.outputs).find(([file]) => file.endsWith('dist/extension.js'))?.[1];
  assert.ok(extension && Object.keys(extension.inputs).some((input) => input.endsWith('src/extension.ts')), 'the metafile does not describe the extension');
  return Object.keys(extension.inputs);
}

describe('extension bundle', () => {
  it('keeps the YAML parser, the schema validator and the build-time compiler off the activation path', () => {
    const heavy = activationInputs().filter((input) => /node_modules\/(yaml|zod|markdown-it)\/|src\/core\/curriculum\/(compile|schema)\.ts$/.test(input));
    assert.deepEqual(heavy, []);
  });

  it('keeps scaffolding and checking in dist/projects.js, loaded on first use', () => {
    const inputs = activationInputs();
    const projectCode = inputs.filter((input) => /src\/projects\/|src\/core\/(scaffold|check)\//.test(input));
    assert.deepEqual(projectCode, []);
    const outputs = (JSON.parse(readFileSync(distFile('meta.json'), 'utf8')) as Meta).outputs;
    const projects = Object.entries(outputs).find(([file]) => file.endsWith('dist/projects.js'))?.[1];
    assert.ok(
      projects && Object.keys(projects.inputs).some((input) => input.endsWith('src/projects/check.ts')),
      'dist/projects.js does not hold the check command',
    );
  });

  it('keeps the Testing view controller in dist/testing.js, loaded after the first render', () => {
    assert.deepEqual(
      activationInputs().filter((input) => /src\/testing\//.test(input)),
      [],
    );
    const outputs = (JSON.parse(readFileSync(distFile('meta.json'), 'utf8')) as Meta).outputs;
    const testing = Object.entries(outputs).find(([file]) => file.endsWith('dist/testing.js'))?.[1];
    assert.ok(
      testing && Object.keys(testing.inputs).some((input) => input.endsWith('src/testing/controller.ts')),
      'dist/testing.js does not hold the controller',
    );
  });

  it('keeps the lesson panels in dist/lessons.js, loaded when the first lesson opens', () => {
    assert.deepEqual(
      activationInputs().filter((input) => /src\/lesson\/(lessonPanel|index)\.ts$|src\/core\/lesson\//.test(input)),
      [],
    );
    const outputs = (JSON.parse(readFileSync(distFile('meta.json'), 'utf8')) as Meta).outputs;
    const lessons = Object.entries(outputs).find(([file]) => file.endsWith('dist/lessons.js'))?.[1];
    assert.ok(
      lessons && Object.keys(lessons.inputs).some((input) => input.endsWith('src/lesson/lessonPanel.ts')),
      'dist/lessons.js does not hold the lesson panels',
    );
  });
});
