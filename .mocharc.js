// Unit tests: every file under test/unit, or only the files named on the command line
// (`npm run test:unit -- test/unit/x/y.test.ts`), which mocha would otherwise run on top of the
// whole spec. Naming files also turns on quick mode (test/unit/propertyRuns.ts) unless
// DS_ROADMAP_QUICK is set: the edit loop's short property runs; the whole suite runs the full counts.
const { existsSync } = require('node:fs');

const named = process.argv.slice(2).filter((arg) => !arg.startsWith('-') && (arg.endsWith('.ts') || existsSync(arg)));
if (named.length > 0 && process.env.DS_ROADMAP_QUICK === undefined) {
  process.env.DS_ROADMAP_QUICK = '1';
}

module.exports = {
  spec: named.length > 0 ? [] : ['test/unit/**/*.test.ts'],
  extension: ['ts'],
  // tsx's require hook in mocha's own process: --import would start a second Node.js for every run.
  require: ['tsx/cjs'],
  reporter: 'spec',
  timeout: 20000,
};
