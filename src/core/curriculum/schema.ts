// The one schema of curriculum/roadmap.yaml: the build validates against it and the
// model's types are inferred from it. Build-time only: the extension imports types, never this.
import { z } from 'zod';
import { CURRICULUM_SCHEMA_VERSION_AT_RUNTIME } from './version';

/** Ids are the keys of the learner's progress: lowercase words joined by hyphens. */
export const ID_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const id = z.string().regex(ID_PATTERN, { message: 'id-format' });
const text = z.string().trim().min(1, { message: 'empty-text' });

export const textbookSchema = z.strictObject({
  title: text,
  authors: z.array(text).min(1, { message: 'no-authors' }),
  edition: text.optional(),
});

export const durationSchema = z.strictObject({
  min: z.number().int().positive(),
  max: z.number().int().positive(),
  unit: z.enum(['week', 'month']),
});

export const projectSchema = z.strictObject({
  id,
  title: text,
  idea: text,
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

export const curriculumSchema = z.strictObject({
  schemaVersion: z.literal(CURRICULUM_SCHEMA_VERSION),
  title: text,
  steps: z.array(stepSchema).min(1, { message: 'no-steps' }),
});
