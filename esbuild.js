// Builds the extension: compiles the curriculum (validated, to dist/curriculum.json), then
// bundles src/extension.ts to dist/extension.js. Flags: --production (minified, no source
// maps), --watch, --tests (also bundles test/integration/** to out/test/integration/).
// Exits non-zero when any part of the build fails.
const esbuild = require('esbuild');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { clearTimeout, setTimeout } = require('node:timers');
const { Buffer } = require('node:buffer');
const zlib = require('node:zlib');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const root = __dirname;

/** Runs a TypeScript build script under scripts/; false (its messages printed) when it fails. */
function runScript(name) {
  try {
    execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', name)], { cwd: root, stdio: 'inherit' });
    return true;
  } catch {
    return false;
  }
}

/** Validates curriculum/ and writes dist/curriculum.json, lessons.json and templates.json. */
const compileCurriculum = () => runScript('compile-curriculum.ts');

/**
 * In watch mode, the curriculum's problems from its last compile. The reporter prints them with
 * every build: the problem matcher drops a problem that a build does not report again.
 */
let curriculumProblems = [];

/** compileCurriculum for watch mode: its `file:line:column: message` problems kept, not printed. */
function compileCurriculumForWatch() {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'compile-curriculum.ts')], { cwd: root, encoding: 'utf8' });
  process.stdout.write(run.stdout);
  curriculumProblems = [];
  for (const line of run.stderr.split('\n').filter(Boolean)) {
    const problem = /^([^:\s][^:]*):(\d+):(\d+): (.+)$/.exec(line);
    if (problem) {
      curriculumProblems.push({ text: problem[4], location: { file: problem[1], line: Number(problem[2]), column: Number(problem[3]) - 1 } });
    } else {
      console.error(line);
    }
  }
}

/**
 * Prints each build's start, end and problems in esbuild's own format, which VS Code's
 * `$esbuild-watch` problem matcher (connor4312.esbuild-problem-matchers) reads: a background task
 * is busy from "[watch] build started" to "[watch] build finished", and a problem is a
 * "✘ [ERROR] text" line followed by an indented "file:line:column:" line.
 */
const problemReporter = (otherErrors = () => []) => ({
  name: 'problem-reporter',
  setup(build) {
    const mode = watch ? 'watch' : 'build';
    build.onStart(() => console.log(`[${mode}] build started`));
    build.onEnd((result) => {
      const errors = [...result.errors, ...otherErrors()];
      const problems = [...errors.map((message) => ['✘ [ERROR]', message]), ...result.warnings.map((message) => ['▲ [WARNING]', message])];
      for (const [label, { text, location }] of problems) {
        console.error(`${label} ${text}`);
        if (location) {
          console.error(`    ${location.file}:${location.line}:${location.column + 1}:`);
        }
      }
      console.log(`[${mode}] build finished with ${errors.length} error(s)`);
    });
  },
});

function listFiles(dir, suffix) {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir, { recursive: true })
    .map((name) => path.join(dir, String(name)))
    .filter((file) => file.endsWith(suffix));
}

/**
 * Writes dist/template-files.br: every file of curriculum/projects/<id>/template/ in one container
 * (format: src/core/scaffold/packed.ts), compressed whole with Brotli, which scaffolding reads
 * instead of the files: the VSIX ships the three templates' similar files compressed together.
 */
function packTemplateFiles() {
  const projects = path.join(root, 'curriculum', 'projects');
  const entries = [];
  for (const project of fs.existsSync(projects) ? fs.readdirSync(projects).sort() : []) {
    const folder = path.join(projects, project, 'template');
    for (const file of listFiles(folder, '').sort()) {
      if (fs.lstatSync(file).isFile()) {
        entries.push([`${project}/${path.relative(folder, file).split(path.sep).join('/')}`, fs.readFileSync(file)]);
      }
    }
  }
  let offset = 0;
  const header = Buffer.from(JSON.stringify(entries.map(([key, bytes]) => [key, (offset += bytes.length) - bytes.length, bytes.length])));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  const container = Buffer.concat([length, header, ...entries.map(([, bytes]) => bytes)]);
  const { BROTLI_PARAM_QUALITY, BROTLI_PARAM_LGWIN, BROTLI_PARAM_SIZE_HINT } = zlib.constants;
  const packed = zlib.brotliCompressSync(container, {
    params: { [BROTLI_PARAM_QUALITY]: 11, [BROTLI_PARAM_LGWIN]: 24, [BROTLI_PARAM_SIZE_HINT]: container.length },
  });
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(root, 'dist', 'template-files.br'), packed);
}

/**
 * Every `import * as vscode from 'vscode'` of a bundle shares one namespace object. Otherwise
 * esbuild wraps require("vscode") once per importing module (__toESM: a getter for each of the
 * API's keys, 14 times over in dist/extension.js), which took half the bundle's load time,
 * 44 -> 20 ms of CPU, measured against a stand-in API with the keys of @types/vscode.
 */
const vscodeOnce = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

/** Checks that package.json's walkthroughs and walkthroughs/ are what the curriculum generates. */
const checkWalkthroughs = () => runScript('walkthroughs.ts');

async function main() {
  const skipWalkthroughCheck = process.argv.includes('--no-walkthrough-check');
  if (watch) {
    compileCurriculumForWatch();
    packTemplateFiles();
    if (!skipWalkthroughCheck) {
      checkWalkthroughs();
    }
  } else if (!compileCurriculum() || (!skipWalkthroughCheck && !checkWalkthroughs())) {
    process.exit(1);
  } else {
    packTemplateFiles();
  }
  const extension = await esbuild.context({
    // The extension; the project commands it loads on first use (src/projects/index.ts); the Testing
    // view's controller, which it loads after the first render (src/testing/controller.ts); the lesson
    // panels, loaded when the first lesson opens (src/lesson/index.ts).
    entryPoints: {
      extension: path.join(root, 'src', 'extension.ts'),
      projects: path.join(root, 'src', 'projects', 'index.ts'),
      testing: path.join(root, 'src', 'testing', 'controller.ts'),
      lessons: path.join(root, 'src', 'lesson', 'index.ts'),
    },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    outdir: path.join(root, 'dist'),
    external: ['vscode', './projects.js', './testing.js', './lessons.js'],
    // The time the bundle starts evaluating, so activation's log line can report module load.
    banner: { js: '"use strict";var __dsRoadmapLoadStart = performance.now();' },
    metafile: true,
    logLevel: 'silent',
    plugins: [vscodeOnce, problemReporter(() => curriculumProblems)],
  });
  // Our node:test reporter, loaded by the learner's Node (--test-reporter), so an ES module of its own.
  const reporter = await esbuild.context({
    entryPoints: { nodeTestReporter: path.join(root, 'src', 'projects', 'nodeTestReporter.ts') },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node18',
    outExtension: { '.js': '.mjs' },
    outdir: path.join(root, 'dist'),
    logLevel: 'silent',
    plugins: [problemReporter()],
  });
  const contexts = [extension, reporter];
  if (tests) {
    // A test file deleted from test/integration must not keep running from an earlier build.
    fs.rmSync(path.join(root, 'out', 'test', 'integration'), { recursive: true, force: true });
    contexts.push(
      await esbuild.context({
        entryPoints: listFiles(path.join(root, 'test', 'integration'), '.ts'),
        outbase: path.join(root, 'test', 'integration'),
        outdir: path.join(root, 'out', 'test', 'integration'),
        bundle: true,
        format: 'cjs',
        platform: 'node',
        target: 'node18',
        sourcemap: true,
        // mocha and the vscode API come from the extension host and node_modules at run time.
        packages: 'external',
        external: ['vscode'],
        logLevel: 'silent',
        plugins: [problemReporter()],
      }),
    );
  }

  if (watch) {
    // A curriculum change recompiles it, then rebuilds the extension so that the build's report
    // (and the problem matcher) carries the curriculum's problems; one save fires several events.
    let pending;
    fs.watch(path.join(root, 'curriculum'), { recursive: true }, () => {
      clearTimeout(pending);
      pending = setTimeout(() => {
        compileCurriculumForWatch();
        packTemplateFiles();
        extension.rebuild().catch(() => undefined); // its problems are printed by the reporter
      }, 100);
    });
    await Promise.all(contexts.map((context) => context.watch()));
    return;
  }
  let failed = false;
  for (const context of contexts) {
    try {
      const result = await context.rebuild();
      if (result.metafile) {
        fs.writeFileSync(path.join(root, 'dist', 'meta.json'), JSON.stringify(result.metafile));
      }
    } catch {
      failed = true;
    }
    await context.dispose();
  }
  if (failed) {
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
