// The compiled step-6 templates (dist/templates.json), read on first use: only scaffolding and
// checking need them, so activation does not pay for them.
import { readFile } from 'node:fs/promises';
import type { CompiledTemplate } from '../core/scaffold/template';

export class TemplateCatalog {
  private loaded: Promise<readonly CompiledTemplate[]> | undefined;

  /** `file` is read directly, not through vscode.workspace.fs: it sits beside the extension host. */
  constructor(private readonly file: string) {}

  all(): Promise<readonly CompiledTemplate[]> {
    return (this.loaded ??= readFile(this.file, 'utf8').then((text) => JSON.parse(text) as CompiledTemplate[]));
  }

  /** Serves `templates` from now on instead of the file (the integration tests' fixture templates, through RoadmapApi). */
  replaceWith(templates: readonly CompiledTemplate[]): void {
    this.loaded = Promise.resolve(templates);
  }
}
