// Loads the compiled curriculum (dist/curriculum.json) at run time. The build already validated
// it against the schema; this only guards against a damaged install, without a validator library.
import { isRecord } from '../util/guards';
import { CURRICULUM_SCHEMA_VERSION_AT_RUNTIME } from './version';
import type { Curriculum } from './model';

export type LoadResult = { readonly ok: true; readonly curriculum: Curriculum } | { readonly ok: false; readonly reason: string };

export function parseCompiledCurriculum(text: string, file: string): LoadResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return damaged(file, `it is not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(data)) {
    return damaged(file, 'it does not hold an object');
  }
  if (data.schemaVersion !== CURRICULUM_SCHEMA_VERSION_AT_RUNTIME) {
    return damaged(
      file,
      `its schemaVersion is ${JSON.stringify(data.schemaVersion)}, this version of the extension reads ${CURRICULUM_SCHEMA_VERSION_AT_RUNTIME}`,
    );
  }
  if (!Array.isArray(data.steps) || data.steps.length === 0) {
    return damaged(file, 'it has no steps');
  }
  const badStep = data.steps.findIndex((step) => !isRecord(step) || typeof step.id !== 'string' || typeof step.title !== 'string' || !isRecord(step.duration));
  if (badStep >= 0) {
    return damaged(file, `step ${badStep + 1} lacks an id, a title or a duration`);
  }
  return { ok: true, curriculum: data as unknown as Curriculum };
}

function damaged(file: string, why: string): LoadResult {
  return {
    ok: false,
    reason: `The roadmap's curriculum file ${file} is damaged: ${why}. Reinstall the extension; if you build it from source, run "npm run build".`,
  };
}
