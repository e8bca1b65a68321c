// The one schema of the curriculum files: curriculum/roadmap.yaml (steps and projects) and
// curriculum/topics/<step-id>.yaml (a step's topics). The build validates against it and the
// model's types are inferred from it. Build-time only: the extension imports types, never this.
import { z } from 'zod';
import { CURRICULUM_SCHEMA_VERSION_AT_RUNTIME } from './version';
import { ID_PATTERN } from './ids';

export { ID_PATTERN };

const id = z.string().regex(ID_PATTERN, { message: 'id-format' });
const text = z.string().trim().min(1, { message: 'empty-text' });
const idList = z.array(id);

export const textbookSchema = z.strictObject({
  title: text,
  authors: z.array(text).min(1, { message: 'no-authors' }),
  /** e.g. "2nd edition, 2007": the edition the reading guides refer to. */
  edition: text.optional(),
});

export const durationSchema = z.strictObject({
  min: z.number().int().positive(),
  max: z.number().int().positive(),
  unit: z.enum(['week', 'month']),
});

/** An SVG under media/diagrams/, drawn in currentColor so it follows the theme. */
export const diagramSchema = z.strictObject({
  file: z.string().regex(/^media\/diagrams\/[a-z0-9-]+\.svg$/, { message: 'diagram-path' }),
  alt: text,
});

export const milestoneSchema = z.strictObject({
  id,
  title: text,
  /** What to build, in one or two sentences. */
  goal: text,
  /** Topic ids to read before starting the milestone. */
  readFirst: idList.min(1, { message: 'no-reading' }),
  /** Estimated hours of work, for a learner who has studied the topics it reads first. */
  hours: z.number().positive().max(80).optional(),
});

export const projectSchema = z.strictObject({
  id,
  title: text,
  /** The seed's project idea, verbatim. */
  idea: text,
  description: text.optional(),
  /** Topic ids of steps 1–5 whose concepts the project exercises. */
  concepts: idList.optional(),
  milestones: z.array(milestoneSchema).optional(),
  /** The project's architecture, shown where the learner meets the project. */
  diagram: diagramSchema.optional(),
});

export const stepSchema = z.strictObject({
  id,
  title: text,
  objective: text,
  textbook: textbookSchema.optional(),
  duration: durationSchema,
  goal: text.optional(),
  projects: z.array(projectSchema).min(1, { message: 'no-projects' }).optional(),
});

export const CURRICULUM_SCHEMA_VERSION = CURRICULUM_SCHEMA_VERSION_AT_RUNTIME;

export const roadmapSchema = z.strictObject({
  schemaVersion: z.literal(CURRICULUM_SCHEMA_VERSION),
  title: text,
  /** The study time the topics' hours assume, used to check them against each step's duration. */
  studyHoursPerWeek: z.number().positive().max(60).optional(),
  steps: z.array(stepSchema).min(1, { message: 'no-steps' }),
});

export const paperSchema = z.strictObject({
  authors: z.array(text).min(1, { message: 'no-authors' }),
  title: text,
  year: z.number().int().min(1950).max(2030),
  /** Where it appeared, e.g. "Communications of the ACM" or "SOSP". */
  venue: text.optional(),
  /** The paper's DOI, e.g. 10.1145/2408776.2408794; the lesson links it through https://doi.org/. */
  doi: z
    .string()
    .regex(/^10\.\d{4,9}\/\S+$/, { message: 'doi-format' })
    .optional(),
  /** A stable https address, for papers without a DOI (the authors' or the venue's copy). */
  url: z
    .string()
    .regex(/^https:\/\/\S+$/, { message: 'url-format' })
    .optional(),
});

export const readingSchema = z.strictObject({
  /** Chapter titles of the step's textbook (edition as in roadmap.yaml); only titles one is sure of. */
  chapters: z.array(text).optional(),
  /** What to read and what to look for. */
  guide: text,
});

/**
 * What a self-check asks of the learner: recall a definition, explain why, trace an execution step
 * by step, predict an outcome, or design something. Counted by the content test (few definitions,
 * at least one trace or prediction per topic).
 */
export const selfCheckKinds = ['define', 'explain', 'trace', 'predict', 'design'] as const;

export const selfCheckSchema = z.strictObject({
  question: text,
  answer: text,
  kind: z.enum(selfCheckKinds).optional(),
});

export const topicSchema = z.strictObject({
  id,
  title: text,
  /** Estimated study hours: reading, self-check and the try-it exercise. */
  hours: z.number().positive().max(40),
  /** Two to four sentences. */
  summary: text,
  concepts: z.array(text).min(1, { message: 'no-concepts' }),
  /** The lesson itself, in Markdown (no HTML: it is rendered with html disabled). */
  lesson: text,
  reading: readingSchema,
  papers: z.array(paperSchema).max(3).optional(),
  selfCheck: z.array(selfCheckSchema).min(3, { message: 'few-questions' }).max(8, { message: 'many-questions' }),
  tryIt: text,
  diagram: diagramSchema.optional(),
});

export const topicFileSchema = z.strictObject({
  step: id,
  topics: z.array(topicSchema).min(5, { message: 'few-topics' }).max(12, { message: 'many-topics' }),
});

/** curriculum/projects/<id>/template.yaml: how a step-6 project is scaffolded and checked. */
export const templateManifestSchema = z.strictObject({
  project: id,
  minNodeVersion: z.string().regex(/^\d+\.\d+\.\d+$/, { message: 'version-format' }),
  readme: text,
  variables: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, { message: 'variable-name' }), z.strictObject({ description: text, default: text })),
  milestones: z
    .array(
      z.strictObject({
        id,
        tests: z.array(text).min(1, { message: 'no-tests' }),
        /** Shown with a failing check: `first` from the first failure, `second` too once it failed three times in a row. */
        hints: z
          .strictObject({
            first: text,
            second: text,
            /** Topic ids whose lessons the hint links to; the milestone's readFirst when left out. */
            read: idList.min(1, { message: 'no-reading' }).optional(),
          })
          .optional(),
      }),
    )
    .min(1, { message: 'no-milestones' }),
});
