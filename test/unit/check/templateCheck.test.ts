import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { checkCommand, singleTestCommand } from '../../../src/core/check/outcome';
import type { CompiledTemplate } from '../../../src/core/scaffold/template';

// Each step-6 template's `npm run check` (harness/check.ts, shared by every template) must run what
// the extension's Check runs, flag for flag: a learner reproducing a failure from the terminal has
// to get the same run. check.ts is the learner's TypeScript (Node >= 22.18 runs it directly), so
// these tests read its flag lists from the source text rather than importing it.

const ROOT = join(__dirname, '..', '..', '..');
const PROJECTS = join(ROOT, 'curriculum', 'projects');

interface Manifest {
  readonly project: string;
  readonly milestones: readonly { readonly id: string; readonly tests: readonly string[] }[];
}

function templates(): { folder: string; manifest: Manifest }[] {
  return readdirSync(PROJECTS)
    .filter((project) => existsSync(join(PROJECTS, project, 'template', 'harness', 'check.ts')))
    .map((project) => ({
      folder: join(PROJECTS, project, 'template'),
      manifest: parse(readFileSync(join(PROJECTS, project, 'template.yaml'), 'utf8')) as Manifest,
    }));
}

/** The string array a `export const NAME = ['…', …];` of check.ts holds. */
function flagList(source: string, name: string): string[] {
  const literal = new RegExp(`export const ${name} = (\\[[^\\]]*\\]);`).exec(source)?.[1];
  assert.ok(literal, `harness/check.ts declares no ${name}`);
  return JSON.parse(literal.replace(/'/g, '"')) as string[];
}

describe("templates' npm run check", () => {
  const all = templates();

  it('exists in every template', () => {
    assert.deepEqual(
      all.map((t) => t.manifest.project),
      ['fault-tolerant-db', 'file-sharing', 'microservices'],
    );
  });

  for (const { folder, manifest } of all) {
    describe(manifest.project, () => {
      const source = readFileSync(join(folder, 'harness', 'check.ts'), 'utf8');

      it("runs a milestone with the extension's Check flags, over the test files of it and every milestone before it", () => {
        const files = manifest.milestones.map((m) => m.tests).flat();
        const last = manifest.milestones[manifest.milestones.length - 1];
        assert.ok(last);
        const extension = checkCommand(manifest as unknown as CompiledTemplate, last.id, 'TAP').args;
        assert.deepEqual(extension, [...flagList(source, 'CHECK_FLAGS'), '--test-reporter-destination=TAP', ...files]);
      });

      it('finds the milestones where the manifest puts them: test/m<k>-<id>.test.ts, one file each', () => {
        manifest.milestones.forEach((milestone, index) => {
          assert.deepEqual(milestone.tests, [`test/m${index + 1}-${milestone.id}.test.ts`]);
        });
      });

      it('runs one test as "Run this test only" does', () => {
        const extension = singleTestCommand('test/m1.test.ts', ['a test'], 'TAP').args;
        const [first, ...rest] = flagList(source, 'SINGLE_TEST_FLAGS');
        assert.deepEqual(extension, [first, '--test-name-pattern=^a test$', ...rest, '--test-reporter-destination=TAP', 'test/m1.test.ts']);
      });

      it('is what npm test and every npm run test:m<k> run', () => {
        const scripts = (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
        assert.equal(scripts.test, 'node harness/check.ts all');
        assert.equal(scripts.check, 'node harness/check.ts');
        assert.equal(scripts.stress, 'node harness/stress.ts');
        manifest.milestones.forEach((_, index) => {
          assert.equal(scripts[`test:m${index + 1}`], `node harness/check.ts ${index + 1}`);
        });
      });
    });
  }
});
