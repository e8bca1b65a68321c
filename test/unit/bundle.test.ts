import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { distFile } from './freshBuild';

interface Meta {
  outputs: Record<string, { inputs: Record<string, unknown>; entryPoint?: string }>;
}

/** The source files the build bundled into dist/<bundle>, after checking it holds `holds` (a source file that must be in it). */
function bundleInputs(bundle: string, holds: string): string[] {
  const meta = JSON.parse(readFileSync(distFile('meta.json'), 'utf8')) as Meta;
  const output = Object.entries(meta.outputs).find(([file]) => file.endsWith(`dist/${bundle}`))?.[1];
  const inputs = Object.keys(output?.inputs ?? {});
  assert.ok(
    inputs.some((input) => input.endsWith(holds)),
    `dist/${bundle} does not hold ${holds}`,
  );
  return inputs;
}

/** The source files bundled into dist/extension.js: what activation loads. */
function activationInputs(): string[] {
  return bundleInputs('extension.js', 'src/extension.ts');
}

describe('extension bundle', () => {
  it('keeps the YAML parser, the schema validator and the build-time compiler off the activation path', () => {
    const heavy = activationInputs().filter((input) => /node_modules\/(yaml|zod|markdown-it)\/|src\/core\/curriculum\/(compile|schema)\.ts$/.test(input));
    assert.deepEqual(heavy, []);
  });

  it('keeps scaffolding and checking in dist/projects.js, loaded on first use', () => {
    const projectCode = activationInputs().filter((input) => /src\/projects\/|src\/core\/(scaffold|check)\//.test(input));
    assert.deepEqual(projectCode, []);
    bundleInputs('projects.js', 'src/projects/check.ts');
  });

  it('keeps the Testing view controller in dist/testing.js, loaded after the first render', () => {
    assert.deepEqual(
      activationInputs().filter((input) => /src\/testing\//.test(input)),
      [],
    );
    bundleInputs('testing.js', 'src/testing/controller.ts');
  });

  it('keeps the lesson panels in dist/lessons.js, loaded when the first lesson opens', () => {
    assert.deepEqual(
      activationInputs().filter((input) => /src\/lesson\/(lessonPanel|index)\.ts$|src\/core\/lesson\//.test(input)),
      [],
    );
    bundleInputs('lessons.js', 'src/lesson/lessonPanel.ts');
  });
});
