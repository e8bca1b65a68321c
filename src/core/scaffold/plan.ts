// Scaffolding, pure part: what a template would write into a target folder (plan), and writing it
// all or nothing (apply). The file system arrives as an interface rooted at the target folder, so
// every path the core hands it is a checked relative path: it cannot name anything outside.
import * as l10n from '@vscode/l10n';
import { checkRelativePath } from './paths';
import { isBinary, substitute } from './render';
import type { CompiledTemplate } from './template';

export interface FileStat {
  readonly type: 'file' | 'directory' | 'other';
  readonly symbolicLink: boolean;
}

/** A file system rooted at the target folder; paths are relative and `/`-separated, '' is the root. */
export interface TargetFileSystem {
  /** Undefined when nothing exists at the path. */
  stat(path: string): Promise<FileStat | undefined>;
  createDirectory(path: string): Promise<void>;
  writeFile(path: string, content: Uint8Array): Promise<void>;
  /** Deletes a file or an empty folder. */
  delete(path: string): Promise<void>;
}

/** Reads a template's own files, by their path inside template/. */
export interface TemplateSource {
  read(path: string): Promise<Uint8Array>;
}

export interface PlannedFile {
  readonly source: string;
  readonly target: string;
  readonly exists: boolean;
}

export interface ScaffoldPlan {
  readonly files: readonly PlannedFile[];
  /** Folders to create, parents before children. */
  readonly directories: readonly string[];
  /** Target files that exist already: never overwritten. */
  readonly conflicts: readonly string[];
}

/** A template or target problem found before anything was written. */
export class ScaffoldPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaffoldPlanError';
  }
}

export class ScaffoldConflictError extends Error {
  constructor(readonly conflicts: readonly string[]) {
    super(l10n.t('{0} file(s) exist already: {1}{2}.', conflicts.length, conflicts.slice(0, 5).join(', '), conflicts.length > 5 ? ', …' : ''));
    this.name = 'ScaffoldConflictError';
  }
}

/** A write failed; everything this run created was removed again (or `leftBehind` says what not). */
export class ScaffoldWriteError extends Error {
  constructor(
    readonly failedPath: string,
    readonly reason: string,
    readonly removed: number,
    readonly leftBehind: readonly string[],
  ) {
    super(
      l10n.t('Writing {0} failed: {1}. ', failedPath, reason) +
        (leftBehind.length === 0
          ? l10n.t('The {0} file(s) and folder(s) this run had created were removed; nothing else was touched.', removed)
          : l10n.t('Could not remove what this run created at: {0}.', leftBehind.join(', '))),
    );
    this.name = 'ScaffoldWriteError';
  }
}

export async function planScaffold(template: CompiledTemplate, values: Readonly<Record<string, string>>, target: TargetFileSystem): Promise<ScaffoldPlan> {
  const files: PlannedFile[] = [];
  const directories: string[] = [];
  const conflicts: string[] = [];
  const seenDirectories = new Set<string>();
  const seenTargets = new Map<string, string>();

  for (const file of template.files) {
    const rendered = substitute(file.path, values, l10n.t('The template file name "{0}"', file.path));
    const check = checkRelativePath(rendered);
    if (!check.ok) {
      throw new ScaffoldPlanError(l10n.t('The template file "{0}" would be written to "{1}": {2}. Nothing was written.', file.path, rendered, check.reason));
    }
    // Case-insensitive file systems (macOS, Windows) would merge these two into one file.
    const folded = rendered.toLowerCase();
    const clash = seenTargets.get(folded);
    if (clash !== undefined) {
      throw new ScaffoldPlanError(
        l10n.t('The template files "{0}" and "{1}" would both be written to "{2}". Nothing was written.', clash, file.path, rendered),
      );
    }
    seenTargets.set(folded, file.path);

    for (let depth = 1; depth < check.segments.length; depth++) {
      const folder = check.segments.slice(0, depth).join('/');
      if (seenDirectories.has(folder)) {
        continue;
      }
      seenDirectories.add(folder);
      const stat = await target.stat(folder);
      if (!stat) {
        directories.push(folder);
      } else if (stat.symbolicLink) {
        throw new ScaffoldPlanError(
          l10n.t('"{0}" in the target folder is a symbolic link; the template will not write through it. Nothing was written.', folder),
        );
      } else if (stat.type !== 'directory') {
        throw new ScaffoldPlanError(
          l10n.t('"{0}" exists in the target folder but is not a folder, and the template needs a folder there. Nothing was written.', folder),
        );
      }
    }

    const stat = await target.stat(rendered);
    if (stat && stat.type === 'directory' && !stat.symbolicLink) {
      throw new ScaffoldPlanError(l10n.t('"{0}" exists in the target folder as a folder, where the template writes a file. Nothing was written.', rendered));
    }
    if (stat) {
      conflicts.push(rendered);
    }
    files.push({ source: file.path, target: rendered, exists: stat !== undefined });
  }
  return { files, directories, conflicts };
}

export interface ApplyOptions {
  /** Write only the files that do not exist; without it, any conflict stops the run before it writes. */
  readonly skipExisting: boolean;
  readonly onProgress?: (written: number, total: number, path: string) => void;
}

export interface ApplyResult {
  readonly written: readonly string[];
  readonly skipped: readonly string[];
  readonly createdDirectories: readonly string[];
}

/** Writes a plan all or nothing: on a failure, removes exactly what this run created. */
export async function applyScaffold(
  template: CompiledTemplate,
  plan: ScaffoldPlan,
  values: Readonly<Record<string, string>>,
  source: TemplateSource,
  target: TargetFileSystem,
  options: ApplyOptions,
): Promise<ApplyResult> {
  if (plan.conflicts.length > 0 && !options.skipExisting) {
    throw new ScaffoldConflictError(plan.conflicts);
  }
  const binaryByPath = new Map(template.files.map((file) => [file.path, file.binary]));
  const toWrite = plan.files.filter((file) => !file.exists);
  // Render everything before touching the disk: a template error then leaves nothing to undo.
  const contents = await Promise.all(
    toWrite.map(async (file) => {
      const raw = await source.read(file.source);
      if (binaryByPath.get(file.source) || isBinary(raw)) {
        return raw;
      }
      const text = new TextDecoder('utf-8', { fatal: false }).decode(raw);
      return new TextEncoder().encode(substitute(text, values, l10n.t('The template file "{0}"', file.source)));
    }),
  );

  const createdDirectories: string[] = [];
  const written: string[] = [];
  let current = '';
  // Set only while a write or mkdir of ours is under way: a half-made entry is ours to remove.
  let attempted: { path: string; kind: 'file' | 'directory' } | undefined;
  try {
    for (const folder of plan.directories) {
      current = folder;
      const existing = await target.stat(folder);
      if (existing) {
        assertRealFolder(folder, existing);
        continue;
      }
      attempted = { path: folder, kind: 'directory' };
      await target.createDirectory(folder);
      attempted = undefined;
      createdDirectories.push(folder);
    }
    for (const [index, file] of toWrite.entries()) {
      current = file.target;
      // The plan may be old (a conflict dialog can wait for minutes): every folder on the way is
      // checked again right before the write, so one swapped for a link since is never written through,
      // and a file that appeared since is never overwritten.
      await assertRealFolders(target, file.target);
      if (await target.stat(file.target)) {
        throw new Error(l10n.t('the file appeared after the plan was made'));
      }
      attempted = { path: file.target, kind: 'file' };
      await target.writeFile(file.target, contents[index]);
      attempted = undefined;
      written.push(file.target);
      options.onProgress?.(written.length, toWrite.length, file.target);
    }
  } catch (error) {
    if (attempted && (await target.stat(attempted.path).catch(() => undefined))) {
      (attempted.kind === 'file' ? written : createdDirectories).push(attempted.path);
    }
    const leftBehind = await rollBack(target, written, createdDirectories);
    throw new ScaffoldWriteError(current, errorMessage(error), written.length + createdDirectories.length - leftBehind.length, leftBehind);
  }
  return { written, skipped: plan.conflicts, createdDirectories };
}

/** Throws unless every folder above `path` in the target is a folder and no symbolic link. */
async function assertRealFolders(target: TargetFileSystem, path: string): Promise<void> {
  const segments = path.split('/');
  for (let depth = 1; depth < segments.length; depth++) {
    const folder = segments.slice(0, depth).join('/');
    assertRealFolder(folder, await target.stat(folder));
  }
}

function assertRealFolder(folder: string, stat: FileStat | undefined): void {
  if (!stat) {
    throw new Error(l10n.t('the folder "{0}" disappeared after the plan was made', folder));
  }
  if (stat.symbolicLink) {
    throw new Error(l10n.t('"{0}" became a symbolic link after the plan was made; nothing is written through it', folder));
  }
  if (stat.type !== 'directory') {
    throw new Error(l10n.t('"{0}" is no longer a folder', folder));
  }
}

/** Removes what this run created, never through a folder that has become a link since. */
async function rollBack(target: TargetFileSystem, files: readonly string[], directories: readonly string[]): Promise<string[]> {
  const leftBehind: string[] = [];
  // Files first, then folders, each newest first: a folder is empty by the time it goes.
  for (const path of [...[...files].reverse(), ...[...directories].reverse()]) {
    await assertRealFolders(target, path)
      .then(() => target.delete(path))
      .catch(() => leftBehind.push(path));
  }
  return leftBehind;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
