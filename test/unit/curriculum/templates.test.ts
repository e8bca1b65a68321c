import * as assert from 'node:assert/strict';
import { formatProblem } from '../../../src/core/curriculum/compile';
import type { Curriculum } from '../../../src/core/curriculum/model';
import { compileTemplate } from '../../../src/core/curriculum/templates';

const CURRICULUM: Curriculum = {
  schemaVersion: 1,
  title: 'T',
  steps: [
    {
      id: 'projects',
      title: 'Projects',
      objective: 'o',
      duration: { min: 1, max: 1, unit: 'month' },
      topics: [],
      projects: [
        {
          id: 'kv',
          title: 'KV',
          idea: 'i',
          milestones: [
            { id: 'one', title: 'One', goal: 'g', readFirst: ['t'] },
            { id: 'two', title: 'Two', goal: 'g', readFirst: ['t'] },
          ],
        },
      ],
    },
  ],
};

const MANIFEST = `project: kv
minNodeVersion: 22.18.0
readme: README.md
variables:
  projectName:
    description: the package name
    default: kv
milestones:
  - id: one
    tests: [test/m1.test.ts]
  - id: two
    tests: [test/m2.test.ts]
`;

const text = (s: string) => new TextEncoder().encode(s);
const FILES = [
  { path: 'README.md', content: text('# {{projectName}}\n') },
  { path: 'test/m1.test.ts', content: text('// one\n') },
  { path: 'test/m2.test.ts', content: text('// two\n') },
  { path: 'logo.png', content: new Uint8Array([1, 0, 2]) },
];

function compile(manifest = MANIFEST, files = FILES) {
  return compileTemplate({ manifest: { path: 'kv/template.yaml', text: manifest }, folder: 'kv/template', files }, CURRICULUM);
}

function problems(manifest = MANIFEST, files = FILES): string[] {
  const result = compile(manifest, files);
  assert.equal(result.ok, false);
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('compileTemplate', () => {
  it('compiles a sound template with its file list and binary flags', () => {
    const result = compile();
    assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
    assert.deepEqual(result.template.variables, [{ name: 'projectName', description: 'the package name', default: 'kv' }]);
    assert.deepEqual(
      result.template.files.map((f) => [f.path, f.binary]),
      [
        ['logo.png', true],
        ['README.md', false],
        ['test/m1.test.ts', false],
        ['test/m2.test.ts', false],
      ],
    );
  });

  it('rejects milestones out of step with roadmap.yaml', () => {
    const [message] = problems(MANIFEST.replace('  - id: two', '  - id: three'));
    assert.match(message, /^kv\/template\.yaml:9:3: the milestones \(one, three\) differ from those of project "kv"/);
  });

  it('rejects an unknown project', () => {
    assert.match(problems(MANIFEST.replace('project: kv', 'project: nope'))[0], /unknown project "nope"/);
  });

  it('rejects a missing test file, pointing at it in the manifest', () => {
    const [message] = problems(
      MANIFEST,
      FILES.filter((f) => f.path !== 'test/m2.test.ts'),
    );
    assert.equal(message, 'kv/template.yaml:12:13: the test file "test/m2.test.ts" at milestones[1].tests[0] is not a file of kv/template.');
  });

  it('rejects an undeclared variable in a file, with its line and column', () => {
    const [message] = problems(MANIFEST, [...FILES, { path: 'src/a.ts', content: text('line one\nconst n = "{{projectNme}}";\n') }]);
    assert.equal(message, 'kv/template/src/a.ts:2:12: {{projectNme}} is not a variable of template.yaml: declare it under variables, or fix the name.');
  });

  it('rejects an unsafe file name in the template', () => {
    const [message] = problems(MANIFEST, [...FILES, { path: 'a/CON', content: text('x') }]);
    assert.match(message, /^kv\/template\/a\/CON:1:1: unsafe file name: the name "CON" is a reserved device name/);
  });

  it('rejects a bad Node version, quoted or not', () => {
    assert.match(problems(MANIFEST.replace('22.18.0', '"22"'))[0], /bad version "22" at minNodeVersion: write it as major\.minor\.patch/);
    assert.match(problems(MANIFEST.replace('22.18.0', '22'))[0], /wrong type at minNodeVersion: expected a string, found number 22/);
  });

  describe('hints', () => {
    const withTopic: Curriculum = {
      ...CURRICULUM,
      steps: [{ ...CURRICULUM.steps[0], topics: [{ id: 't', title: 'T' } as Curriculum['steps'][number]['topics'][number]] }],
    };
    const hinted = (read: string) =>
      MANIFEST.replace(
        '    tests: [test/m1.test.ts]\n',
        `    tests: [test/m1.test.ts]\n    hints:\n      first: look at the log\n      second: replay it\n${read}`,
      );

    it("keeps a milestone's hints, reading its readFirst topics when the hint names none", () => {
      const result = compileTemplate({ manifest: { path: 'kv/template.yaml', text: hinted('') }, folder: 'kv/template', files: FILES }, withTopic);
      assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
      assert.deepEqual(result.template.milestones[0].hints, { first: 'look at the log', second: 'replay it', read: ['t'] });
      assert.equal(result.template.milestones[1].hints, undefined);
    });

    it('rejects a hint that links to an unknown topic, pointing at it', () => {
      const result = compileTemplate(
        { manifest: { path: 'kv/template.yaml', text: hinted('      read: [t, nope]\n') }, folder: 'kv/template', files: FILES },
        withTopic,
      );
      assert.equal(result.ok, false);
      assert.deepEqual(result.ok ? [] : result.problems.map(formatProblem), [
        'kv/template.yaml:14:17: unknown topic "nope" at milestones[0].hints.read[1]: use the id of a topic in curriculum/topics/.',
      ]);
    });

    it('rejects a hint without its second text', () => {
      const manifest = MANIFEST.replace('    tests: [test/m1.test.ts]\n', '    tests: [test/m1.test.ts]\n    hints:\n      first: look at the log\n');
      assert.match(problems(manifest)[0], /second/);
    });
  });
});
