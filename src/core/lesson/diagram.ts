// Checks a diagram SVG before it is inlined into a lesson page: well-formed, drawn in currentColor
// (so it follows the theme), and free of anything active (scripts, handlers, styles, links).

const TAG = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>/g;

export function diagramProblems(svg: string): string[] {
  const problems: string[] = [];
  const text = svg.replace(/<!--[\s\S]*?-->/g, '');
  if (!/^\s*<svg[\s>]/.test(text)) {
    problems.push('it does not start with <svg>');
  }
  const stack: string[] = [];
  let consumed = '';
  let last = 0;
  for (const match of text.matchAll(TAG)) {
    consumed += text.slice(last, match.index);
    last = (match.index ?? 0) + match[0].length;
    const [, closing, name, attributes, selfClosing] = match;
    if (closing) {
      const open = stack.pop();
      if (open !== name) {
        problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      }
    } else if (!selfClosing) {
      stack.push(name);
    }
    if (/^(script|foreignObject|iframe|object|embed|style|image|use|a)$/i.test(name)) {
      problems.push(`<${name}> is not allowed in a lesson diagram`);
    }
    if (/\son[a-z]+\s*=/i.test(attributes)) {
      problems.push(`<${name}> has an event handler attribute`);
    }
    if (/\sstyle\s*=/i.test(attributes)) {
      problems.push(`<${name}> has a style attribute, which the lesson's Content Security Policy blocks: use presentation attributes`);
    }
    if (/\s(xlink:)?href\s*=\s*["'](?!#)/i.test(attributes)) {
      problems.push(`<${name}> links outside the diagram`);
    }
    for (const [, attribute, value] of attributes.matchAll(/\s(fill|stroke|stop-color|color)\s*=\s*["']([^"']*)["']/g)) {
      if (!/^(currentColor|none|url\(#[\w-]+\))$/.test(value.trim())) {
        problems.push(`<${name}> sets ${attribute}="${value}": draw with currentColor so the diagram follows the theme`);
      }
    }
  }
  consumed += text.slice(last);
  if (stack.length > 0) {
    problems.push(`<${stack[stack.length - 1]}> is never closed`);
  }
  if (/[<>]/.test(consumed)) {
    problems.push('it contains a stray "<" or ">" outside tags: escape it as &lt; or &gt;');
  }
  if (!/<title>[^<]+<\/title>/.test(text)) {
    problems.push('it has no <title> for screen readers');
  }
  if (!/<svg[^>]*\sviewBox=/.test(text)) {
    problems.push('it has no viewBox, so it cannot scale');
  }
  return [...new Set(problems)];
}
