// Lint: typescript-eslint's type-aware rules; an unawaited promise in an extension is a lost error.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'test/fixtures/**/*.js',
      'dist/**',
      'out/**',
      'node_modules/**',
      'test-results/**',
      'test/fixtures/**',
      '.vscode-test/**',
      'curriculum/projects/**',
      'test/templates/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        { selector: 'TSEnumDeclaration', message: 'Use a union of string literals or an `as const` object.' },
      ],
    },
  },
  {
    // The UI tests and the scripts run TypeScript through tsx: a failing assert.ok without a message makes Node
    // read the source at the compiled line and column to quote the expression, which do not match
    // the .ts file, and it then spins for minutes (a UI test's retry loop hung the whole run so).
    files: ['test/ui/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        { selector: 'TSEnumDeclaration', message: 'Use a union of string literals or an `as const` object.' },
        {
          selector: "CallExpression[callee.object.name='assert'][callee.property.name='ok'][arguments.length=1]",
          message: 'Give assert.ok a message: without one, Node parses the source to quote the expression, which hangs under tsx.',
        },
        {
          selector: "CallExpression[callee.name='assert'][arguments.length=1]",
          message: 'Give assert a message: without one, Node parses the source to quote the expression, which hangs under tsx.',
        },
      ],
    },
  },
  {
    // The pure core must never import vscode: it runs in unit tests without an editor.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core is pure: pass an interface in.' }] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Webview scripts run in the browser, with the API VS Code injects.
    files: ['media/**/*.js'],
    languageOptions: { globals: { document: 'readonly', Element: 'readonly', acquireVsCodeApi: 'readonly', window: 'readonly', setTimeout: 'readonly' } },
  },
);
