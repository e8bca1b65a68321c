// Type guards shared by the core's readers of untrusted JSON.

/** A plain object (not null, not a list), whose fields can be inspected. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
