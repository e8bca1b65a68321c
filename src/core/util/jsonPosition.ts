// Where a JSON text stops being JSON. JSON.parse's messages give a position on some Node versions
// and only a snippet on others (VS Code's extension host among them), so the first offending
// character is found here by a small scanner of the JSON grammar (RFC 8259).

/** The 1-based line and column of the first character that makes `text` invalid JSON, or undefined when it is valid. */
export function jsonErrorLocation(text: string): { line: number; column: number } | undefined {
  const offset = jsonErrorOffset(text);
  return offset === undefined ? undefined : lineAndColumn(text, offset);
}

/** "<name>:<line>:<column> is not valid JSON (what is found there)", for a text JSON.parse refused. */
export function invalidJsonMessage(text: string, name: string): string {
  const offset = jsonErrorOffset(text);
  if (offset === undefined) {
    return `${name} is not valid JSON`;
  }
  const { line, column } = lineAndColumn(text, offset);
  const found = offset >= text.length ? 'the text ends too early' : `unexpected ${JSON.stringify(text[offset])}`;
  return `${name}:${line}:${column} is not valid JSON (${found})`;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// Characters of a string: anything but a quote, a backslash or a control character (below U+0020), or an escape.
// eslint-disable-next-line no-control-regex
const STRING_CHAR = /[^"\\\u0000-\u001f]+|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

class Invalid extends Error {
  constructor(readonly offset: number) {
    super(`invalid JSON at ${offset}`);
  }
}

export function jsonErrorOffset(text: string): number | undefined {
  let at = 0;
  const fail = (): never => {
    throw new Invalid(at);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) {
      at++;
    }
  };
  const expect = (char: string) => {
    if (text[at] !== char) {
      fail();
    }
    at++;
  };
  const string = () => {
    expect('"');
    while (text[at] !== '"') {
      STRING_CHAR.lastIndex = at;
      if (at >= text.length || !STRING_CHAR.test(text)) {
        fail();
      }
      at = STRING_CHAR.lastIndex;
    }
    at++;
  };
  /** The members of an object or the elements of an array, after its opening character. */
  const sequence = (close: string, item: () => void) => {
    at++;
    space();
    if (text[at] === close) {
      at++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[at] !== ',') {
        expect(close);
        return;
      }
      at++;
    }
  };
  const member = () => {
    space();
    string();
    space();
    expect(':');
    value();
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '{') {
      sequence('}', member);
      return;
    }
    if (char === '[') {
      sequence(']', value);
      return;
    }
    if (char === '"') {
      string();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, at)) {
        at += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = at;
    if (!NUMBER.test(text)) {
      fail();
    }
    at = NUMBER.lastIndex;
  };
  try {
    value();
    space();
    if (at < text.length) {
      fail();
    }
    return undefined;
  } catch (error) {
    if (error instanceof Invalid) {
      return error.offset;
    }
    if (error instanceof RangeError) {
      return undefined; // Nested too deep to scan: the caller goes without a position.
    }
    throw error;
  }
}
