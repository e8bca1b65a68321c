// Finds the tests a node:test file declares, by reading its text (never by running it): calls of
// test/it/describe/suite (also .only, .skip, .todo) whose first argument is a string literal,
// nested by indentation. Tests named at run time are added when their results arrive.

export interface DeclaredTest {
  readonly name: string;
  /** 0-based line and column of the call. */
  readonly line: number;
  readonly column: number;
  readonly children: readonly DeclaredTest[];
}

const CALL = /^([ \t]*)(?:(?:test|it|describe|suite)(?:\.(?:only|skip|todo))?)\s*\(\s*(['"`])((?:\\.|(?!\2)[^\\\n])*)\2/;

export function declaredTests(text: string): DeclaredTest[] {
  type Mutable = { name: string; line: number; column: number; children: Mutable[] };
  const roots: Mutable[] = [];
  const open: { indent: number; node: Mutable }[] = [];
  text.split(/\r?\n/).forEach((source, line) => {
    const match = CALL.exec(source);
    if (!match || (match[2] === '`' && match[3].includes('${'))) {
      return;
    }
    const indent = match[1].replace(/\t/g, '  ').length;
    while (open.length > 0 && open[open.length - 1].indent >= indent) {
      open.pop();
    }
    const node: Mutable = { name: unescapeLiteral(match[3]), line, column: match[1].length, children: [] };
    (open.length > 0 ? open[open.length - 1].node.children : roots).push(node);
    open.push({ indent, node });
  });
  return roots;
}

function unescapeLiteral(body: string): string {
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, escape: string) => {
    if (escape.startsWith('u{')) {
      return String.fromCodePoint(Number.parseInt(escape.slice(2, -1), 16));
    }
    if (/^[ux][0-9a-fA-F]/.test(escape)) {
      return String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    }
    return simple[escape] ?? escape;
  });
}
