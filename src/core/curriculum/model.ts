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

/** A topic as its YAML file has it, the lesson's Markdown included (the build renders it into dist/lessons.json.br). */
export type TopicSource = z.infer<typeof topicSchema>;
/**
 * What of a topic only its lesson page (and the walkthrough generator) reads: it ships in
 * dist/lessons.json.br beside the rendered lesson, not in dist/curriculum.json, which activation
 * reads and the tree needs only titles, ids, hours and summaries of.
 */
export type TopicLessonText = Pick<TopicSource, 'reading' | 'papers' | 'selfCheck' | 'tryIt'>;
/** A topic as the extension loads it from dist/curriculum.json: without what only its lesson page reads. */
export type Topic = Omit<TopicSource, 'lesson' | keyof TopicLessonText>;
/** A topic with its lesson's text, as the walkthrough generator reads it (withLessonText). */
export type TopicWithText = Topic & TopicLessonText;
export type Paper = z.infer<typeof paperSchema>;
export type Milestone = z.infer<typeof milestoneSchema>;
export type Project = z.infer<typeof projectSchema>;
/** The curriculum with topics of type T: as loaded (Topic), with their text (TopicWithText), or as compiled (TopicSource). */
export type CurriculumOf<T extends Topic> = Omit<RoadmapData, 'steps'> & { readonly steps: readonly StepOf<T>[] };
export type StepOf<T extends Topic> = z.infer<typeof stepSchema> & { readonly topics: readonly T[] };
/** A step with its topics (from its topic file; none for a project step). */
export type Step = StepOf<Topic>;
/** The compiled curriculum as the extension loads it (dist/curriculum.json). */
export type Curriculum = CurriculumOf<Topic>;
/** The curriculum with each topic's lesson text, for the walkthrough generator. */
export type CurriculumWithText = CurriculumOf<TopicWithText>;
/** The curriculum as the build compiles it from its sources, lessons' Markdown included. */
export type SourceCurriculum = CurriculumOf<TopicSource>;

/** What dist/curriculum.json holds: the curriculum without the lessons' Markdown and TopicLessonText. */
export function runtimeCurriculum(source: SourceCurriculum): Curriculum {
  const lessonOnly = new Set<string>(['lesson', 'reading', 'papers', 'selfCheck', 'tryIt'] satisfies (keyof TopicSource)[]);
  return {
    ...source,
    steps: source.steps.map((step) => ({
      ...step,
      topics: step.topics.map((topic) => Object.fromEntries(Object.entries(topic).filter(([key]) => !lessonOnly.has(key))) as Topic),
    })),
  };
}

/** A topic's lesson text (from its source, or from a lesson's content with more beside it), and nothing else. */
export function lessonText(from: TopicLessonText): TopicLessonText {
  return { reading: from.reading, ...(from.papers ? { papers: from.papers } : {}), selfCheck: from.selfCheck, tryIt: from.tryIt };
}

/**
 * The curriculum of dist/curriculum.json joined with each topic's text from dist/lessons.json.br;
 * undefined when a topic has no text there (a damaged or older build).
 */
export function withLessonText(curriculum: Curriculum, texts: Readonly<Record<string, TopicLessonText | undefined>>): CurriculumWithText | undefined {
  const steps: StepOf<TopicWithText>[] = [];
  for (const step of curriculum.steps) {
    const topics: TopicWithText[] = [];
    for (const topic of step.topics) {
      const text = texts[topic.id];
      if (!text) {
        return undefined;
      }
      topics.push({ ...topic, ...lessonText(text) });
    }
    steps.push({ ...step, topics });
  }
  return { ...curriculum, steps };
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
