// Generates the walkthroughs (package.json contributes.walkthroughs and the Markdown under
// walkthroughs/) from the curriculum, so content is changed in one place. Pure: the script
// writes or verifies the output.
import { Commands, ContextKeys, Events, Views } from '../../constants';
import {
  formatAuthors,
  formatDuration,
  milestoneKey,
  type Curriculum,
  type CurriculumWithText,
  type Project,
  type StepOf,
  type TopicWithText,
} from '../curriculum/model';
import type { CompiledTemplate } from '../scaffold/template';
import { commandLink, escapeMarkdown } from '../util/markdown';
import { WalkthroughContext, WalkthroughIds } from './keys';

export type WalkthroughMedia = { readonly markdown: string } | { readonly svg: string; readonly altText: string };

export interface WalkthroughStep {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly media: WalkthroughMedia;
  readonly completionEvents: readonly string[];
}

export interface Walkthrough {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** When the Welcome page lists it: Start Here always, a step's while it is the current one, a project's once scaffolded or when the projects are next. */
  readonly when?: string;
  readonly steps: readonly WalkthroughStep[];
}

export interface GeneratedWalkthroughs {
  /** As package.json lists them: every shown string as a `%key%` reference into package.nls.json. */
  readonly walkthroughs: readonly Walkthrough[];
  /** Markdown files, by path from the repository root (walkthroughs/…). */
  readonly files: ReadonlyMap<string, string>;
  /** Every shown string of the walkthroughs for package.nls.json, by key (all start with NLS_PREFIX). */
  readonly nls: Readonly<Record<string, string>>;
}

/** The package.nls.json keys the generator owns. */
export const NLS_PREFIX = 'walkthrough.';

/**
 * Moves every string package.json would show (each walkthrough's title and description, each step's
 * title, description and image text) into package.nls.json, where a translation can replace them.
 * The Markdown pages need no key: VS Code opens `<page>.nls.<locale>.md` beside a page when it
 * exists (CONTRIBUTING.md, "Translating").
 */
function externalize(walkthroughs: readonly Walkthrough[]): { walkthroughs: Walkthrough[]; nls: Record<string, string> } {
  const nls: Record<string, string> = {};
  const key = (name: string, text: string) => {
    nls[`${NLS_PREFIX}${name}`] = text;
    return `%${NLS_PREFIX}${name}%`;
  };
  return {
    walkthroughs: walkthroughs.map((walkthrough) => ({
      ...walkthrough,
      title: key(`${walkthrough.id}.title`, walkthrough.title),
      description: key(`${walkthrough.id}.description`, walkthrough.description),
      steps: walkthrough.steps.map((step) => ({
        ...step,
        title: key(`${walkthrough.id}.${step.id}.title`, step.title),
        description: key(`${walkthrough.id}.${step.id}.description`, step.description),
        media: 'altText' in step.media ? { ...step.media, altText: key(`${walkthrough.id}.${step.id}.altText`, step.media.altText) } : step.media,
      })),
    })),
    nls,
  };
}

const ROOT = 'walkthroughs';

export function generateWalkthroughs(curriculum: CurriculumWithText, templates: readonly CompiledTemplate[]): GeneratedWalkthroughs {
  const files = new Map<string, string>();
  const markdown = (path: string, content: string): WalkthroughMedia => {
    files.set(`${ROOT}/${path}`, `${content.trim()}\n`);
    return { markdown: `${ROOT}/${path}` };
  };
  const walkthroughs: Walkthrough[] = [startHere(curriculum, markdown)];
  const firstStudyStep = curriculum.steps.find((step) => step.topics.length > 0);
  curriculum.steps.forEach((step, index) => {
    if (step.topics.length > 0) {
      // Before the extension first runs the key is unset: a new learner is at the first step.
      const when = `${ContextKeys.currentStep} == '${step.id}'${step === firstStudyStep ? ` || !${ContextKeys.currentStep}` : ''}`;
      walkthroughs.push({ ...stepWalkthrough(step, index + 1, markdown), when });
    }
  });
  for (const step of curriculum.steps) {
    for (const project of step.projects ?? []) {
      const template = templates.find((candidate) => candidate.project === project.id);
      const when = `${ContextKeys.currentStep} == '${step.id}' || ${WalkthroughContext.scaffolded(project.id)}`;
      walkthroughs.push({ ...projectWalkthrough(curriculum, project, template, markdown), when });
    }
  }
  return { ...externalize(walkthroughs), files };
}

type Markdown = (path: string, content: string) => WalkthroughMedia;

function startHere(curriculum: Curriculum, markdown: Markdown): Walkthrough {
  const firstTopic = curriculum.steps.flatMap((step) => step.topics)[0];
  const steps: WalkthroughStep[] = [
    {
      id: 'open-roadmap',
      title: 'Open the roadmap',
      description: `Six steps, from fundamentals to hands-on projects, each with topics to study and a textbook to read.\n${commandLink('Open Roadmap', Commands.openRoadmap)}`,
      media: markdown(
        'start-here/roadmap.md',
        [
          '# The roadmap',
          '',
          '| Step | Duration | Textbook |',
          '| --- | --- | --- |',
          ...curriculum.steps.map(
            (step, index) =>
              `| ${index + 1}. ${escapeMarkdown(step.title)} | ${formatDuration(step.duration)} | ${
                step.textbook ? `*${escapeMarkdown(step.textbook.title)}*, ${escapeMarkdown(formatAuthors(step.textbook.authors))}` : 'the three projects'
              } |`,
          ),
        ].join('\n'),
      ),
      completionEvents: [Events.onCommand(Commands.openRoadmap), Events.onView(Views.roadmap)],
    },
    {
      id: 'progress',
      title: 'Track your progress',
      description: 'Tick a topic or a step in the roadmap when you are done with it. Project milestones are verified by their tests.',
      media: markdown(
        'start-here/progress.md',
        [
          '# How progress works',
          '',
          '- **Topics and steps**: tick the checkbox in the roadmap, or press *Mark Done* in a lesson. A step is complete when all its topics are: marking a step complete marks the topics left done (the roadmap asks first), and marking it incomplete marks its topics not done. The projects step is complete when one project has every milestone done.',
          "- **Project milestones** are *verified*: *Check Milestone* runs the milestone's tests, and those of every earlier milestone, in a terminal. A pass is recorded with the time, the number of tests, the Node.js version and the git commit of your project. A check where no test failed but some did not run (a live test that needs a Docker engine or a Kubernetes cluster this computer lacks) shows as *unverified*, with the reason, and is not recorded as done.",
          '- Your progress is kept by VS Code and follows you to other machines through Settings Sync.',
          '- The ticks in these walkthroughs mirror the roadmap. VS Code does not let an extension clear a walkthrough tick: after *Reset Progress*, the roadmap is the one to trust.',
        ].join('\n'),
      ),
      completionEvents: ['onStepSelected'],
    },
  ];
  if (firstTopic) {
    steps.push({
      id: 'first-lesson',
      title: 'Open your first lesson',
      description: `Start with “${firstTopic.title}”.\n${commandLink('Open Lesson', Commands.openLesson, firstTopic.id)}`,
      media: markdown('start-here/first-lesson.md', `# ${escapeMarkdown(firstTopic.title)}\n\n${escapeMarkdown(firstTopic.summary)}`),
      completionEvents: [Events.onCommand(Commands.openLesson)],
    });
  }
  steps.push({
    id: 'projects',
    title: 'Build the projects',
    description: `Step 6 has three projects. Scaffold one into your workspace and check each milestone from the editor.\n${commandLink('Scaffold Project', Commands.scaffoldProject)}`,
    media: markdown(
      'start-here/projects.md',
      [
        '# Hands-on projects',
        '',
        ...curriculum.steps
          .flatMap((step) => step.projects ?? [])
          .map((project) => `- **${escapeMarkdown(project.title)}** — ${escapeMarkdown(project.description ?? project.idea)}`),
      ].join('\n'),
    ),
    completionEvents: [Events.onCommand(Commands.scaffoldProject)],
  });
  return {
    id: WalkthroughIds.startHere,
    title: 'Distributed Systems Roadmap: Start Here',
    description: 'Find your way around the roadmap, its lessons and its projects.',
    steps,
  };
}

function stepWalkthrough(step: StepOf<TopicWithText>, number: number, markdown: Markdown): Walkthrough {
  const steps: WalkthroughStep[] = step.topics.map((topic) => ({
    id: WalkthroughIds.topicStep(topic.id),
    title: topic.title,
    description: [
      descriptionText(topic.summary),
      commandLink('Open Lesson', Commands.openLesson, topic.id),
      commandLink('Mark Done', Commands.markTopicComplete, topic.id),
    ].join('\n'),
    media: topic.diagram ? { svg: topic.diagram.file, altText: topic.diagram.alt } : markdown(`${step.id}/${topic.id}.md`, topicMarkdown(step, topic)),
    completionEvents: [Events.onContext(WalkthroughContext.done(topic.id))],
  }));
  steps.push({
    id: 'complete-step',
    title: `Complete step ${number}`,
    description: `The step is complete when every topic is. This button marks the topics left done.\n${commandLink('Mark Step Complete', Commands.markStepComplete, step.id)}`,
    media: markdown(`${step.id}/goal.md`, `# Goal of step ${number}\n\n${escapeMarkdown(step.goal ?? step.objective)}`),
    completionEvents: [Events.onContext(WalkthroughContext.done(step.id))],
  });
  return {
    id: WalkthroughIds.step(step.id),
    title: `Step ${number}: ${step.title}`,
    description: `${step.objective} (${formatDuration(step.duration)})`,
    steps,
  };
}

/**
 * Walkthrough step descriptions support links and little else: backslash escapes show up as
 * written, so plain text goes in as it is, with brackets turned into parentheses so that no
 * text is taken for a link.
 */
function descriptionText(text: string): string {
  return text.replace(/\[/g, '(').replace(/\]/g, ')');
}

function topicMarkdown(step: StepOf<TopicWithText>, topic: TopicWithText): string {
  const lines = [
    `# ${escapeMarkdown(topic.title)}`,
    '',
    escapeMarkdown(topic.summary),
    '',
    '**Key concepts:** ' + topic.concepts.map(escapeMarkdown).join(' · '),
  ];
  if (step.textbook) {
    const chapters = topic.reading.chapters?.length ? ` — ${topic.reading.chapters.map(escapeMarkdown).join('; ')}` : '';
    lines.push('', `**Read:** *${escapeMarkdown(step.textbook.title)}*${chapters}`);
  }
  // Written as Markdown (code spans), and shown as such.
  lines.push('', `**Try it:** ${topic.tryIt}`);
  return lines.join('\n');
}

function projectWalkthrough(curriculum: Curriculum, project: Project, template: CompiledTemplate | undefined, markdown: Markdown): Walkthrough {
  const topicTitle = (id: string) => curriculum.steps.flatMap((step) => step.topics).find((topic) => topic.id === id)?.title ?? id;
  const milestones = project.milestones ?? [];
  const brief = (): string =>
    [
      `# ${escapeMarkdown(project.title)}`,
      '',
      escapeMarkdown(project.description ?? project.idea),
      '',
      ...(project.concepts?.length ? [`**Concepts:** ${project.concepts.map((id) => escapeMarkdown(topicTitle(id))).join(' · ')}`, ''] : []),
      '| # | Milestone | Read first |',
      '| --- | --- | --- |',
      ...milestones.map(
        (milestone, index) =>
          `| ${index + 1} | ${escapeMarkdown(milestone.title)} | ${milestone.readFirst.map((id) => escapeMarkdown(topicTitle(id))).join(', ')} |`,
      ),
    ].join('\n');
  const steps: WalkthroughStep[] = [
    {
      id: 'brief',
      title: 'Read the brief',
      // With the architecture diagram as the media, the description carries the project's own.
      description: descriptionText(project.diagram && project.description ? `${project.idea} ${project.description}` : project.idea),
      media: project.diagram ? { svg: project.diagram.file, altText: project.diagram.alt } : markdown(`projects/${project.id}/brief.md`, brief()),
      completionEvents: ['onStepSelected'],
    },
    {
      id: 'scaffold',
      title: 'Scaffold the project',
      description: `Write the starter project into a folder of your workspace. Existing files are never overwritten.\n${commandLink('Scaffold Project', Commands.scaffoldProject, project.id)}`,
      media: markdown(
        `projects/${project.id}/scaffold.md`,
        [
          '# Scaffolding',
          '',
          `The starter is a TypeScript project on Node.js${template ? ` ${template.minNodeVersion} or later` : ''}, with no runtime dependencies. Each milestone has its tests under \`test/\`; the harness that breaks things on purpose lives under \`harness/\` and is not yours to change.`,
        ].join('\n'),
      ),
      completionEvents: [Events.onContext(WalkthroughContext.scaffolded(project.id))],
    },
    {
      id: 'readme',
      title: 'Open its README',
      description: `The README explains the architecture, the protocol and each milestone.\n${commandLink('Open README', Commands.openProjectReadme, project.id)}`,
      media: markdown(
        `projects/${project.id}/readme.md`,
        '# The README\n\nIt has the architecture diagram, how to run the system locally, and for each milestone: what to build, how it is checked, what to read first.',
      ),
      completionEvents: [Events.onCommand(Commands.openProjectReadme)],
    },
    ...milestones.map((milestone, index): WalkthroughStep => {
      const key = milestoneKey(project.id, milestone.id);
      const tests = template?.milestones.find((candidate) => candidate.id === milestone.id)?.tests ?? [];
      return {
        id: WalkthroughIds.milestoneStep(milestone.id),
        title: `Milestone ${index + 1}: ${milestone.title}`,
        description: `${descriptionText(milestone.goal)}\n${commandLink('Check Milestone', Commands.checkMilestone, key)}`,
        media: markdown(
          `projects/${project.id}/${milestone.id}.md`,
          [
            `# Milestone ${index + 1}: ${escapeMarkdown(milestone.title)}`,
            '',
            `**Build:** ${escapeMarkdown(milestone.goal)}`,
            '',
            `**Checked by:** ${tests.length > 0 ? tests.map((test) => `\`${test}\``).join(', ') : "the milestone's tests"}${index > 0 ? ", with every earlier milestone's tests run again" : ''}.`,
            '',
            `**Read first:** ${milestone.readFirst.map((id) => escapeMarkdown(topicTitle(id))).join(', ')}`,
          ].join('\n'),
        ),
        completionEvents: [Events.onContext(WalkthroughContext.verified(key))],
      };
    }),
  ];
  return {
    id: WalkthroughIds.project(project.id),
    title: `Project: ${project.title}`,
    description: project.idea,
    steps,
  };
}
