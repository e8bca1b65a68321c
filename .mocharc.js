// Unit tests: every file under test/unit, or only the files named on the command line
// (`npm run test:unit -- test/unit/x/y.test.ts`), which mocha would otherwise run on top of the
// whole spec.
const { existsSync } = require('node:fs');

const named = process.argv.slice(2).filter((arg) => !arg.startsWith('-') && (arg.endsWith('.ts') || existsSync(arg)));

module.exports = {
  spec: named.length > 0 ? [] : ['test/unit/**/*.test.ts'],
  extension: ['ts'],
  'node-option': ['import=tsx'],
  reporter: 'spec',
  timeout: 20000,
};
