// Every string the learner reads in the tree, a lesson or a notification goes through l10n.t (the
// adapters' vscode.l10n, the core's @vscode/l10n), and the bundle l10n/bundle.l10n.json lists each
// one. A new English literal in one of those places fails here, naming its file and line.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

/** Calls whose string arguments the learner sees. */
const SHOWN_CALLS = new Set([
  'showInformationMessage',
  'showWarningMessage',
  'showErrorMessage',
  'showQuickPick',
  'showInputBox',
  'createOutputChannel',
  'createTestController',
  'createRunProfile',
]);
/** Constructors whose string arguments the learner sees. */
const SHOWN_CONSTRUCTORS = new Set(['TreeItem', 'TestMessage', 'MarkdownString']);
/** Properties whose string value the learner sees (tree items, quick picks, status bar, lesson and Testing view text). */
const SHOWN_PROPERTIES = new Set([
  'label',
  'description',
  'tooltip',
  'tooltipMarkdown',
  'detail',
  'placeHolder',
  'prompt',
  'title',
  'text',
  'message',
  'markLabel',
  'announcement',
  'reviewText',
]);
/**
 * Modules that only present: every phrase in them (two words or more) is for the learner, wherever
 * it stands, unless it goes to the log or names something in code.
 */
const PRESENTING = [
  'src/core/roadmap/treeModel.ts',
  'src/core/roadmap/plan.ts',
  'src/core/lesson/page.ts',
  'src/core/review/schedule.ts',
  'src/core/notes/notes.ts',
  'src/tree/',
  'src/plan/',
  'src/lesson/',
  'src/review/',
  'src/notes/',
  'src/testing/',
  'src/core/check/',
  'src/core/scaffold/',
  'src/core/roadmap/',
  'src/projects/',
  'src/commands.ts',
  'src/errors.ts',
  'src/core/progress/',
  'src/progress/',
  'src/roadmap/',
];
/** Calls whose arguments are for developers, or are not text: the log, markup helpers, string and path functions. */
const NOT_SHOWN_CALLS = new Set([
  'showFailure',
  'mark',
  'info',
  'warn',
  'error',
  'debug',
  'trace',
  'replace',
  'join',
  'split',
  'startsWith',
  'endsWith',
  'includes',
  'test',
  'match',
  'querySelector',
  'getAttribute',
  'padStart',
  'executeCommand',
  'get',
  'parse',
]);
/** Calls whose arguments are translated (or are for developers: the log). */
const TRANSLATING = /^(?:vscode\.)?l10n\.t$|^t$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Words a person reads: two letters in a row, once code icons ($(name)), placeholders and markup are taken out. */
function hasWords(text: string): boolean {
  const stripped = text
    .replace(/\$\([a-z-]+\)/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/g, ' ');
  return /[A-Za-z]{2,}/.test(stripped);
}

/** The literal text of a string or template (its fixed parts), or undefined for anything else. */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    return node.text;
  }
  if (ts.isTemplateExpression(node)) {
    return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
  }
  return undefined;
}

function insideTranslation(node: ts.Node): boolean {
  for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
    if (ts.isCallExpression(current) && TRANSLATING.test(current.expression.getText())) {
      return true;
    }
  }
  return false;
}

function calleeName(expression: ts.Expression): string {
  return ts.isPropertyAccessExpression(expression) ? expression.name.text : ts.isIdentifier(expression) ? expression.text : '';
}

/** Literals in the shown places of one file that do not go through l10n.t: `file:line: text`. */
export function untranslated(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const presenting = PRESENTING.some((prefix) => relative(ROOT, file).startsWith(prefix));
  /** A phrase for a person, not in a place that is code: an import, a type, a comparison, a developer's call. */
  const isPhrase = (node: ts.Node): boolean => {
    const literal = literalText(node);
    if (literal === undefined || !/[A-Za-z]{2,}[,.:;!?]?\s+[A-Za-z]{2,}/.test(literal.replace(/<[^>]*>/g, ' ')) || insideTranslation(node)) {
      return false;
    }
    const parent = node.parent;
    if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isLiteralTypeNode(parent) || ts.isCaseClause(parent)) {
      return false;
    }
    if (
      ts.isBinaryExpression(parent) &&
      [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(parent.operatorToken.kind)
    ) {
      return false;
    }
    for (let current: ts.Node | undefined = parent; current; current = current.parent) {
      if (ts.isCallExpression(current) && NOT_SHOWN_CALLS.has(calleeName(current.expression))) {
        return false;
      }
    }
    return true;
  };
  const report = (node: ts.Node) => {
    const literal = literalText(node);
    if (literal !== undefined && hasWords(literal) && !insideTranslation(node)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${relative(ROOT, file)}:${line + 1}: ${literal.replace(/\s+/g, ' ').slice(0, 80)}`);
    }
  };
  /** The literals an expression can evaluate to: itself, either branch of a condition, either side of `??`/`||`/`+`. */
  const values = (node: ts.Expression): ts.Node[] => {
    if (ts.isParenthesizedExpression(node)) {
      return values(node.expression);
    }
    if (ts.isConditionalExpression(node)) {
      return [...values(node.whenTrue), ...values(node.whenFalse)];
    }
    if (
      ts.isBinaryExpression(node) &&
      [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.PlusToken].includes(node.operatorToken.kind)
    ) {
      return [...values(node.left), ...values(node.right)];
    }
    if (ts.isArrayLiteralExpression(node)) {
      return node.elements.flatMap((element) => values(element));
    }
    return [node];
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && SHOWN_CALLS.has(calleeName(node.expression))) {
      node.arguments.forEach((argument) => values(argument).forEach(report));
    } else if (ts.isNewExpression(node) && SHOWN_CONSTRUCTORS.has(calleeName(node.expression))) {
      (node.arguments ?? []).forEach((argument) => values(argument).forEach(report));
    } else if (ts.isPropertyAssignment(node) && SHOWN_PROPERTIES.has(node.name.getText().replace(/['"]/g, ''))) {
      values(node.initializer).forEach(report);
    } else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      SHOWN_PROPERTIES.has(node.left.name.text)
    ) {
      values(node.right).forEach(report);
    } else if (presenting && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) && isPhrase(node)) {
      report(node);
    } else if (ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      // Markup: text between tags in an HTML template (the lesson page).
      const raw = node.getText();
      if (/<[a-z][^>]*>/.test(raw) && />[^<>${}]*[A-Za-z]{2,}[^<>${}]*</.test(raw.replace(/\$\{[^}]*\}/g, '')) && !insideTranslation(node)) {
        report(node);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Not scanned: the ids (constants.ts) and what runs at build time only, whose messages are for the
 * authors of the curriculum (its compiler and validators, the walkthrough generator).
 */
const BUILD_TIME = ['src/constants.ts', 'src/core/curriculum/', 'src/core/walkthrough/'];

describe('localization', function () {
  // Parsing every source file takes 2–3 s on a quiet machine and passed 20 s at load 15.
  this.timeout(60_000);
  const files = sourceFiles(SRC).filter((file) => !BUILD_TIME.some((prefix) => relative(ROOT, file).startsWith(prefix)));

  it('passes every string shown in the tree, lessons and notifications through l10n.t', () => {
    const found = files.flatMap((file) => untranslated(file, readFileSync(file, 'utf8')));
    assert.deepEqual(found, [], `Wrap these in l10n.t (vscode.l10n in adapters, @vscode/l10n in the core), then run npm run l10n:\n${found.join('\n')}`);
  });

  it('catches a new literal in each kind of place it checks', () => {
    const cases = [
      `vscode.window.showInformationMessage('Saved your notes.');`,
      `item.description = 'not started';`,
      `const view = { label: cond ? 'Due for review' : l10n.t('Other') };`,
      `new vscode.TreeItem('Hands-On Projects');`,
      'const html = `<p>Check yourself</p>`;',
    ];
    for (const code of cases) {
      assert.equal(untranslated('case.ts', code).length, 1, code);
    }
    assert.deepEqual(
      untranslated('ok.ts', `vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}.', name)); item.iconPath = '$(check)'; log.info('for developers');`),
      [],
    );
  });

  it('has every translated string in l10n/bundle.l10n.json, and nothing else (npm run l10n writes it)', async () => {
    const expected = await getL10nJson(files.map((file) => ({ extension: '.ts', contents: readFileSync(file, 'utf8') })));
    const bundle = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(bundle).sort(), Object.keys(expected).sort(), 'l10n/bundle.l10n.json is out of date: run npm run l10n');
  });
});
