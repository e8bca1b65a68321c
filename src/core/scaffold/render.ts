// Variable substitution in template file names and contents: `{{name}}` becomes the value of a
// declared variable; any other `{{name}}` is an error, so a typo never reaches the learner.

import * as l10n from '@vscode/l10n';
const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

export class UndeclaredVariableError extends Error {
  constructor(
    readonly variable: string,
    readonly where: string,
  ) {
    super(l10n.t('{0} uses {1}, which the template does not declare.', where, `{{${variable}}}`));
    this.name = 'UndeclaredVariableError';
  }
}

/** The variable names a text refers to. */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1]))];
}

export function substitute(text: string, values: Readonly<Record<string, string>>, where: string): string {
  return text.replace(VARIABLE, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new UndeclaredVariableError(name, where);
    }
    return value;
  });
}

/** Binary files are copied as they are: a NUL byte in the first 8 KiB marks one, as git decides. */
export function isBinary(content: Uint8Array): boolean {
  return content.subarray(0, 8192).includes(0);
}

/** An npm-style package name from a folder name: lowercase, hyphens, nothing else. */
export function packageNameFrom(folderName: string, fallback: string): string {
  const name = folderName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 214);
  return name.length > 0 ? name : fallback;
}
