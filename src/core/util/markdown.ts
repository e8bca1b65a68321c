// Markdown helpers shared by the tree's tooltips and the generated walkthroughs.

/** Escapes the characters Markdown would interpret, so curriculum text renders as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (char) => `\\${char}`);
}

/** A `command:` link with JSON arguments, as VS Code's Markdown expects. */
export function commandLink(label: string, command: string, ...args: unknown[]): string {
  const query = args.length > 0 ? `?${encodeURIComponent(JSON.stringify(args))}` : '';
  return `[${label}](command:${command}${query})`;
}
