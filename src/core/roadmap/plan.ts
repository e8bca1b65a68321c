// The pacing planner: hours left per step and overall, and when the learner finishes each step at
// their weekly hours, against the window the seed gives each step's duration (ahead, on track,
// behind). Pure: the day comes in as an argument, so tests fix it; dates are UTC calendar days.
import * as l10n from '@vscode/l10n';
import { milestoneKey, progressItemIds, type Curriculum, type Duration, type Step } from '../curriculum/model';
import { stepState, type ProgressView } from '../progress/summary';
import { countedProject } from './next';

export interface PlanSettings {
  /** Hours of study a week, more than 0. */
  readonly hoursPerWeek: number;
  /** The day the learner started (YYYY-MM-DD); absent: the day of their first recorded progress, else today. */
  readonly startDate?: string;
}

export type Pace = 'done' | 'ahead' | 'on-track' | 'behind';

export interface StepPlan {
  readonly step: Step;
  readonly number: number;
  readonly hoursTotal: number;
  readonly hoursLeft: number;
  /** The day the step's last hour is done at this pace (YYYY-MM-DD); absent once done. */
  readonly finish?: string;
  /** The seed's window for the step's end, counted from the start: after the minimum and after the maximum duration of every step so far. */
  readonly dueEarliest: string;
  readonly dueLatest: string;
  readonly pace: Pace;
}

export interface StudyPlan {
  readonly hoursPerWeek: number;
  readonly start: string;
  readonly today: string;
  readonly steps: readonly StepPlan[];
  readonly hoursTotal: number;
  readonly hoursLeft: number;
  readonly finish?: string;
  readonly dueEarliest: string;
  readonly dueLatest: string;
  readonly pace: Pace;
}

export function studyPlan(curriculum: Curriculum, progress: ProgressView, settings: PlanSettings, now: Date): StudyPlan {
  const today = isoDay(now);
  const start = settings.startDate ?? firstProgressDay(curriculum, progress) ?? today;
  const project = countedProject(curriculum, progress);
  let hoursBefore = 0;
  let minMonths = { months: 0, days: 0 };
  let maxMonths = { months: 0, days: 0 };
  const steps = curriculum.steps.map((step, index): StepPlan => {
    const items: { hours: number; done: boolean }[] = step.topics.map((topic) => ({ hours: topic.hours, done: progress.isDone(topic.id) }));
    if (project && (step.projects ?? []).includes(project)) {
      for (const milestone of project.milestones ?? []) {
        items.push({ hours: milestone.hours ?? 0, done: progress.isDone(milestoneKey(project.id, milestone.id)) });
      }
    }
    const hoursTotal = sum(items.map((item) => item.hours));
    const done = stepState(step, progress) === 'done';
    const hoursLeft = done ? 0 : sum(items.filter((item) => !item.done).map((item) => item.hours));
    hoursBefore += hoursLeft;
    minMonths = addDuration(minMonths, step.duration, 'min');
    maxMonths = addDuration(maxMonths, step.duration, 'max');
    const dueEarliest = addToDay(start, minMonths);
    const dueLatest = addToDay(start, maxMonths);
    if (done) {
      return { step, number: index + 1, hoursTotal, hoursLeft: 0, dueEarliest, dueLatest, pace: 'done' };
    }
    const finish = addDays(today, Math.ceil((hoursBefore / settings.hoursPerWeek) * 7));
    return { step, number: index + 1, hoursTotal, hoursLeft, finish, dueEarliest, dueLatest, pace: paceOf(finish, dueEarliest, dueLatest) };
  });
  const last = steps[steps.length - 1];
  const open = steps.filter((step) => step.pace !== 'done');
  const finish = open.length > 0 ? open[open.length - 1].finish : undefined;
  return {
    hoursPerWeek: settings.hoursPerWeek,
    start,
    today,
    steps,
    hoursTotal: sum(steps.map((step) => step.hoursTotal)),
    hoursLeft: sum(steps.map((step) => step.hoursLeft)),
    finish,
    dueEarliest: last?.dueEarliest ?? start,
    dueLatest: last?.dueLatest ?? start,
    pace: finish && last ? paceOf(finish, last.dueEarliest, last.dueLatest) : 'done',
  };
}

/** Ahead when finishing before the window opens, on track within it, behind after it. */
function paceOf(finish: string, dueEarliest: string, dueLatest: string): Pace {
  return finish < dueEarliest ? 'ahead' : finish <= dueLatest ? 'on-track' : 'behind';
}

/**
 * The planner's settings from what the learner wrote, with the curriculum's weekly hours as the
 * default: a value that is not usable is replaced by the default, and `problem` says so.
 */
export function readPlanSettings(hoursPerWeek: unknown, startDate: unknown, defaultHours: number): { settings: PlanSettings; problems: string[] } {
  const problems: string[] = [];
  let hours = defaultHours;
  if (hoursPerWeek !== undefined && hoursPerWeek !== null && hoursPerWeek !== 0) {
    if (typeof hoursPerWeek === 'number' && Number.isFinite(hoursPerWeek) && hoursPerWeek > 0 && hoursPerWeek <= 168) {
      hours = hoursPerWeek;
    } else {
      problems.push(
        l10n.t('Weekly study hours must be a number above 0 and at most 168, not {0}: planning with {1}.', JSON.stringify(hoursPerWeek), defaultHours),
      );
    }
  }
  let start: string | undefined;
  if (typeof startDate === 'string' && startDate.trim() !== '') {
    const day = startDate.trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(day) && isoDay(new Date(`${day}T00:00:00Z`)) === day) {
      start = day;
    } else {
      problems.push(l10n.t('The start date must be a day written YYYY-MM-DD, not {0}: planning from your first recorded progress.', JSON.stringify(startDate)));
    }
  }
  return { settings: start ? { hoursPerWeek: hours, startDate: start } : { hoursPerWeek: hours }, problems };
}

/** The day of the earliest progress record of any item, if any. */
function firstProgressDay(curriculum: Curriculum, progress: ProgressView): string | undefined {
  const times = [...progressItemIds(curriculum)].flatMap((id) => progress.get(id)?.at ?? []);
  const first = times.reduce<string | undefined>((min, time) => (min === undefined || time < min ? time : min), undefined);
  return first?.slice(0, 10);
}

type Span = { readonly months: number; readonly days: number };

function addDuration(span: Span, duration: Duration, bound: 'min' | 'max'): Span {
  const value = duration[bound];
  return duration.unit === 'month' ? { months: span.months + value, days: span.days } : { months: span.months, days: span.days + value * 7 };
}

/** A day plus whole calendar months (the last day of a shorter month when the day does not exist), then days. */
function addToDay(day: string, span: Span): string {
  const [year, month, date] = day.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + span.months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date, lastDay));
  return addDays(isoDay(target), span.days);
}

function addDays(day: string, days: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function sum(values: readonly number[]): number {
  return Math.round(values.reduce((total, value) => total + value, 0) * 10) / 10;
}

export function paceLabel(pace: Pace): string {
  switch (pace) {
    case 'done':
      return l10n.t('done');
    case 'ahead':
      return l10n.t('ahead');
    case 'on-track':
      return l10n.t('on track');
    case 'behind':
      return l10n.t('behind');
  }
}

/** One row of the Plan view. */
export interface PlanRow {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly pace?: Pace;
}

/** The Plan view's rows, short enough for a narrow side bar: the pace setting, the whole roadmap, then each step ("Step 2 · 34.5 h left · 2027-04-25 · behind"). */
export function planRows(plan: StudyPlan, problems: readonly string[] = []): PlanRow[] {
  const window = (earliest: string, latest: string) => (earliest === latest ? l10n.t('by {0}', latest) : l10n.t('between {0} and {1}', earliest, latest));
  const line = (hoursLeft: number, finish: string | undefined, pace: Pace) =>
    pace === 'done' ? paceLabel('done') : l10n.t('{0} h left · {1} · {2}', hoursLeft, finish ?? plan.today, paceLabel(pace));
  const rows: PlanRow[] = problems.map((problem, index) => ({
    id: `plan/problem/${index}`,
    label: l10n.t('Setting ignored'),
    description: problem,
    tooltip: problem,
  }));
  rows.push({
    id: 'plan/pace',
    label: l10n.t('{0} h a week', plan.hoursPerWeek),
    description: l10n.t('from {0}', plan.start),
    tooltip: l10n.t('You study {0} hours a week, starting {1}. Change it in the settings (Roadmap: Plan).', plan.hoursPerWeek, plan.start),
  });
  rows.push({
    id: 'plan/all',
    label: l10n.t('All steps'),
    description: line(plan.hoursLeft, plan.finish, plan.pace),
    tooltip: l10n.t("{0} of {1} hours left. The roadmap's durations end {2}.", plan.hoursLeft, plan.hoursTotal, window(plan.dueEarliest, plan.dueLatest)),
    pace: plan.pace,
  });
  for (const step of plan.steps) {
    const due = window(step.dueEarliest, step.dueLatest);
    rows.push({
      id: `plan/step/${step.step.id}`,
      label: l10n.t('Step {0}', step.number),
      description: line(step.hoursLeft, step.finish, step.pace),
      tooltip: step.finish
        ? l10n.t(
            "Step {0}: {1}. {2} of {3} hours left; at {4} h a week you finish it {5}. The roadmap's durations end it {6}.",
            step.number,
            step.step.title,
            step.hoursLeft,
            step.hoursTotal,
            plan.hoursPerWeek,
            step.finish,
            due,
          )
        : l10n.t(
            "Step {0}: {1}. {2} of {3} hours left. The roadmap's durations end it {4}.",
            step.number,
            step.step.title,
            step.hoursLeft,
            step.hoursTotal,
            due,
          ),
      pace: step.pace,
    });
  }
  return rows;
}
