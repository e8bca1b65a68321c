// The compiled curriculum's format version, shared by the build-time schema and the run-time loader
// without pulling the schema's validator into the extension bundle.
export const CURRICULUM_SCHEMA_VERSION_AT_RUNTIME = 1;
