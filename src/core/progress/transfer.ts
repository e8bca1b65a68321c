// Progress leaving and entering the extension: a JSON backup (every record with its stamp, so an
// import merges exactly), a Markdown report for sharing, and the reading of a backup with every
// problem named. Also which ids a scoped reset covers.
import * as l10n from '@vscode/l10n';
import { milestoneKey, type Curriculum, type Project, type Step, type Topic } from '../curriculum/model';
import { escapeMarkdown } from '../util/markdown';
import { isRecord } from '../util/guards';
import { invalidJsonMessage } from '../util/jsonPosition';
import { decodeStoredProgress, encodeProgress, PROGRESS_SCHEMA_VERSION, type ProgressRecord, type StampedRecord } from './codec';
import type { RecordMap } from './lww';
import { isSignedBy, signRecords, withoutVerification } from './signature';
import { projectMilestoneKeys, stepChildIds } from './summary';

export const EXPORT_FORMAT = 'ds-roadmap-progress';

export interface ExportOptions {
  /** Written into a backup; the workspace copy has none, so git diffs show only real changes. */
  readonly exportedAt?: Date;
  /** The learner's signing key (signature.ts): the file then carries the signature of its records. */
  readonly signingKey?: string;
}

/** Every record with its stamp, sorted by id, as a backup or as the workspace copy. Import reads both. */
export function exportJson(records: RecordMap, { exportedAt, signingKey }: ExportOptions = {}): string {
  const sorted = new Map([...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const when = exportedAt ? { exportedAt: exportedAt.toISOString() } : {};
  const signature = signingKey ? { signature: signRecords(signingKey, sorted) } : {};
  return `${JSON.stringify({ format: EXPORT_FORMAT, ...when, ...encodeProgress(sorted), ...signature }, undefined, 2)}\n`;
}

export interface ReadOptions {
  /** This machine's clock (ms): records stamped more than a day ahead of it are left out (hlc.ts). */
  readonly now: number;
  /** The learner's signing key: only a file it signed keeps its verified completions. */
  readonly signingKey?: string;
}

export interface ProgressFile {
  /** Every readable record, of any id, verified ones kept only when `signed`. */
  readonly records: Map<string, StampedRecord>;
  /** What could not be read, in words for the learner. */
  readonly problems: string[];
  /** Whether this learner's roadmap wrote the file (its signature holds). */
  readonly signed: boolean;
  /** Ids whose verified completion was taken as marked done, the file being unsigned. */
  readonly unverified: string[];
}

/**
 * Reads the records of a parsed backup or workspace copy. Unless the learner's own key signed
 * them, verified completions become marked done (signature.ts says why).
 */
export function readProgressFile(raw: Record<string, unknown>, { now, signingKey }: ReadOptions): ProgressFile {
  const decoded = decodeStoredProgress(raw, { now });
  const signed = signingKey !== undefined && decoded.problems.length === 0 && isSignedBy(signingKey, decoded.records, raw.signature);
  const unverified: string[] = [];
  const records = new Map<string, StampedRecord>();
  for (const [id, record] of decoded.records) {
    const taken = signed ? record : withoutVerification(record);
    if (taken !== record) {
      unverified.push(id);
    }
    records.set(id, taken);
  }
  return { records, problems: decoded.problems, signed, unverified };
}

export interface ImportResult {
  /** Records to merge, all of ids this roadmap knows. */
  readonly records: Map<string, StampedRecord>;
  /** What was left out and why, one line each. */
  readonly skipped: string[];
  /** Ids whose verified completion is imported as marked done: the file is not signed by this learner. */
  readonly unverified: string[];
}

/** Reads a backup; a file that cannot be one throws an error naming the file, the line and what to do. */
export function parseImport(text: string, file: string, knownIds: ReadonlySet<string>, options: ReadOptions): ImportResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(l10n.t('{0}. Choose a file made by "Export Progress…" as JSON.', invalidJsonMessage(text, file)), { cause: error });
  }
  if (!isRecord(raw) || (raw.format !== undefined && raw.format !== EXPORT_FORMAT) || !('version' in raw)) {
    throw new Error(l10n.t('{0} is not a roadmap progress backup: it has no "version" and "records". Choose a file made by "Export Progress…" as JSON.', file));
  }
  const decoded = readProgressFile(raw, options);
  const skipped = decoded.problems.map((problem) => `${problem} (${file})`);
  if (typeof raw.version === 'number' && raw.version > PROGRESS_SCHEMA_VERSION) {
    skipped.push(l10n.t('records in a shape format {0} does not know were left out; update the extension to import them all', PROGRESS_SCHEMA_VERSION));
  }
  const records = new Map<string, StampedRecord>();
  for (const [id, record] of decoded.records) {
    if (knownIds.has(id)) {
      records.set(id, record);
    } else {
      skipped.push(l10n.t('"{0}" is not an item of this roadmap', id));
    }
  }
  return { records, skipped, unverified: decoded.unverified.filter((id) => knownIds.has(id)) };
}

type Lookup = (id: string) => ProgressRecord | undefined;

/** A report to share: steps, topics and milestones with dates, and the evidence of verified ones. */
export function markdownReport(curriculum: Curriculum, get: Lookup, generatedAt: Date): string {
  const lines = [`# ${escapeMarkdown(curriculum.title)}: progress`, '', `Exported ${day(generatedAt.toISOString())}.`, ''];
  const doneDay = (id: string) => {
    const record = get(id);
    return record?.state === 'done' ? day(record.at) : undefined;
  };
  lines.push('## Steps', '', '| # | Step | Done |', '| - | - | - |');
  curriculum.steps.forEach((step, index) => {
    // The one step rule (summary.ts stepState): a step with topics is done, on the day of its last topic, once they all are.
    const topicDays = step.topics.map((topic) => doneDay(topic.id));
    const done =
      step.topics.length > 0
        ? topicDays.every((when) => when !== undefined)
          ? topicDays.reduce((latest, when) => (when && when > (latest ?? '') ? when : latest), undefined as string | undefined)
          : undefined
        : doneDay(step.id);
    lines.push(`| ${index + 1} | ${cell(step.title)} | ${done ?? stepCount(step, get)} |`);
  });
  for (const [index, step] of curriculum.steps.entries()) {
    if (step.topics.length === 0) {
      continue;
    }
    lines.push('', `## Step ${index + 1}: ${escapeMarkdown(step.title)}`, '');
    for (const topic of step.topics) {
      const done = doneDay(topic.id);
      lines.push(`- [${done ? 'x' : ' '}] ${escapeMarkdown(topic.title)}${done ? ` (${done})` : ''}`);
    }
  }
  const projects = curriculum.steps.flatMap((step) => step.projects ?? []);
  const rows = projects.flatMap((project) => milestoneRows(project, get));
  lines.push('', l10n.t('## Project milestones'), '');
  if (rows.length === 0) {
    lines.push(l10n.t('No milestone is done yet.'));
  } else {
    lines.push('| Project | Milestone | Done | How | Evidence |', '| - | - | - | - | - |', ...rows);
  }
  return `${lines.join('\n')}\n`;
}

function milestoneRows(project: Project, get: Lookup): string[] {
  return (project.milestones ?? []).flatMap((milestone) => {
    const record = get(milestoneKey(project.id, milestone.id));
    if (record?.state !== 'done') {
      return [];
    }
    const evidence = record.evidence
      ? Object.entries(record.evidence)
          .map(([key, value]) => `${key}: ${value}`)
          .join(', ')
      : '';
    const how = record.origin === 'verified' ? l10n.t('verified by its tests') : l10n.t('marked done');
    return [`| ${cell(project.title)} | ${cell(milestone.title)} | ${day(record.at)} | ${how} | ${cell(evidence)} |`];
  });
}

function stepCount(step: Step, get: Lookup): string {
  const ids = stepChildIds(step);
  const done = ids.filter((id) => get(id)?.state === 'done').length;
  return ids.length === 0 ? '' : `${done}/${ids.length}`;
}

function cell(text: string): string {
  return escapeMarkdown(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

export type ResetTarget =
  { readonly kind: 'step'; readonly step: Step } | { readonly kind: 'topic'; readonly topic: Topic } | { readonly kind: 'project'; readonly project: Project };

/** The ids a reset of one item covers: a step with everything inside it, a project with its milestones. */
export function resetIds(target: ResetTarget): string[] {
  switch (target.kind) {
    case 'topic':
      return [target.topic.id];
    case 'project':
      return [target.project.id, ...projectMilestoneKeys(target.project)];
    case 'step':
      return [target.step.id, ...stepChildIds(target.step), ...(target.step.projects ?? []).map((project) => project.id)];
  }
}
