// The roadmap tree as plain data: which nodes exist, their stable ids, labels, descriptions and
// tooltips. The tree view adapter only maps these onto vscode.TreeItem.
import { formatAuthors, formatDuration, type Curriculum, type Project, type Step } from '../curriculum/model';
import { childTally, stepState, type DoneLookup, type StepState } from '../progress/summary';

export type DetailField = 'objective' | 'goal' | 'textbook';

export type RoadmapNode =
  | { readonly kind: 'step'; readonly id: string; readonly step: Step; readonly number: number }
  | { readonly kind: 'detail'; readonly id: string; readonly field: DetailField; readonly text: string }
  | { readonly kind: 'project'; readonly id: string; readonly project: Project };

export function stepNodes(curriculum: Curriculum): RoadmapNode[] {
  return curriculum.steps.map((step, index) => ({ kind: 'step', id: `step/${step.id}`, step, number: index + 1 }));
}

export function childNodes(node: RoadmapNode): RoadmapNode[] {
  if (node.kind !== 'step') {
    return [];
  }
  const { step } = node;
  const details: RoadmapNode[] = [];
  const detail = (field: DetailField, text: string | undefined): void => {
    if (text) {
      details.push({ kind: 'detail', id: `${node.id}/${field}`, field, text });
    }
  };
  detail('objective', step.objective);
  detail('goal', step.goal);
  detail('textbook', step.textbook && `${step.textbook.title} — ${formatAuthors(step.textbook.authors)}`);
  const projects: RoadmapNode[] = (step.projects ?? []).map((project) => ({
    kind: 'project',
    id: `project/${project.id}`,
    project,
  }));
  return [...details, ...projects];
}

export const DETAIL_LABELS: Readonly<Record<DetailField, string>> = {
  objective: 'Objective',
  goal: 'Goal',
  textbook: 'Textbook',
};

export const STATE_LABELS: Readonly<Record<StepState, string>> = {
  'not-started': 'not started',
  'in-progress': 'in progress',
  done: 'done',
};

export interface StepPresentation {
  readonly label: string;
  readonly description: string;
  readonly tooltipMarkdown: string;
  readonly state: StepState;
}

/** "1–2 months · done", "2–3 months · 1/3 projects". */
export function presentStep(step: Step, number: number, progress: DoneLookup): StepPresentation {
  const state = stepState(step, progress);
  const tally = childTally(step, progress);
  const parts = [formatDuration(step.duration)];
  if (state === 'done') {
    parts.push(STATE_LABELS.done);
  } else if (tally) {
    parts.push(`${tally.done}/${tally.total} projects`);
  }
  const lines = [
    `**Step ${number}: ${escapeMarkdown(step.title)}** · ${STATE_LABELS[state]}`,
    '',
    `**Objective:** ${escapeMarkdown(step.objective)}`,
  ];
  if (step.textbook) {
    lines.push(
      '',
      `**Textbook:** *${escapeMarkdown(step.textbook.title)}* by ${escapeMarkdown(formatAuthors(step.textbook.authors))}`,
    );
  }
  lines.push('', `**Duration:** ${formatDuration(step.duration)}`);
  if (step.goal) {
    lines.push('', `**Goal:** ${escapeMarkdown(step.goal)}`);
  }
  return { label: step.title, description: parts.join(' · '), tooltipMarkdown: lines.join('\n'), state };
}

/** Escapes the characters Markdown would interpret, so curriculum text renders as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (char) => `\\${char}`);
}
