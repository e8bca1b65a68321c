// The shape of a curriculum id, apart from the schema (which pulls in its validator) so that code on
// the activation path can check an id cheaply.

/** Ids are the keys of the learner's progress: lowercase words joined by hyphens. */
export const ID_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
