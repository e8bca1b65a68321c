// The curriculum's types, inferred from the schema (type-only import: no validator at run time),
// and small pure queries over it.
import type { z } from 'zod';
import type {
  durationSchema,
  milestoneSchema,
  paperSchema,
  projectSchema,
  roadmapSchema,
  stepSchema,
  textbookSchema,
  topicFileSchema,
  topicSchema,
} from './schema';

/** curriculum/roadmap.yaml as validated. */
export type RoadmapData = z.infer<typeof roadmapSchema>;
/** One curriculum/topics/<step-id>.yaml as validated. */
export type TopicFileData = z.infer<typeof topicFileSchema>;

/** A topic as its YAML file has it, the lesson's Markdown included (the build renders it into dist/lessons.json). */
export type TopicSource = z.infer<typeof topicSchema>;
/** A topic as the extension loads it from dist/curriculum.json: without the lesson's Markdown, which only the build reads. */
export type Topic = Omit<TopicSource, 'lesson'>;
export type Paper = z.infer<typeof paperSchema>;
export type Milestone = z.infer<typeof milestoneSchema>;
export type Project = z.infer<typeof projectSchema>;
/** A step with its topics (from its topic file; none for a project step). */
export type Step = z.infer<typeof stepSchema> & { readonly topics: readonly Topic[] };
/** The compiled curriculum: the roadmap with every step's topics. */
export type Curriculum = Omit<RoadmapData, 'steps'> & { readonly steps: readonly Step[] };
/** The curriculum as the build compiles it from its sources, lessons' Markdown included. */
export type SourceCurriculum = Omit<RoadmapData, 'steps'> & { readonly steps: readonly (Omit<Step, 'topics'> & { readonly topics: readonly TopicSource[] })[] };

/** What dist/curriculum.json holds: the curriculum without the lessons' Markdown (rendered into dist/lessons.json). */
export function runtimeCurriculum(source: SourceCurriculum): Curriculum {
  return {
    ...source,
    steps: source.steps.map((step) => ({
      ...step,
      topics: step.topics.map((topic) => Object.fromEntries(Object.entries(topic).filter(([key]) => key !== 'lesson')) as Topic),
    })),
  };
}
export type Textbook = z.infer<typeof textbookSchema>;
export type Duration = z.infer<typeof durationSchema>;

/**
 * Every id a learner's progress may refer to: steps, topics, projects and milestones
 * (`<project-id>/<milestone-id>`, since milestone ids are unique only within their project).
 */
export function progressItemIds(curriculum: Curriculum): Set<string> {
  const ids = new Set<string>();
  for (const step of curriculum.steps) {
    ids.add(step.id);
    for (const topic of step.topics) {
      ids.add(topic.id);
    }
    for (const project of step.projects ?? []) {
      ids.add(project.id);
      for (const milestone of project.milestones ?? []) {
        ids.add(milestoneKey(project.id, milestone.id));
      }
    }
  }
  return ids;
}

/** The progress id of a milestone: `<project-id>/<milestone-id>`; parseMilestoneKey splits it. */
export function milestoneKey(projectId: string, milestoneId: string): string {
  return `${projectId}/${milestoneId}`;
}

/** The project and milestone ids of a milestone key; undefined when `key` has no '/'. */
export function parseMilestoneKey(key: string): { readonly project: string; readonly milestone: string } | undefined {
  const slash = key.indexOf('/');
  return slash < 0 ? undefined : { project: key.slice(0, slash), milestone: key.slice(slash + 1) };
}

export function findProject(curriculum: Curriculum, projectId: string): Project | undefined {
  return curriculum.steps.flatMap((step) => step.projects ?? []).find((project) => project.id === projectId);
}

export function findTopic(curriculum: Curriculum, topicId: string): { step: Step; topic: Topic } | undefined {
  for (const step of curriculum.steps) {
    const topic = step.topics.find((candidate) => candidate.id === topicId);
    if (topic) {
      return { step, topic };
    }
  }
  return undefined;
}

export function findStep(curriculum: Curriculum, stepId: string): Step | undefined {
  return curriculum.steps.find((step) => step.id === stepId);
}

/** "1–2 months", "1 month", "3 weeks". */
export function formatDuration(duration: Duration): string {
  const range = duration.min === duration.max ? `${duration.min}` : `${duration.min}–${duration.max}`;
  const plural = duration.max === 1 ? '' : 's';
  return `${range} ${duration.unit}${plural}`;
}

/** "Martin Kleppmann", "A and B", "A, B and C". */
export function formatAuthors(authors: readonly string[]): string {
  if (authors.length <= 1) {
    return authors.join('');
  }
  return `${authors.slice(0, -1).join(', ')} and ${authors[authors.length - 1]}`;
}
