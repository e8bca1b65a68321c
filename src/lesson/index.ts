// The lesson panels: bundled apart from the extension (dist/lessons.js) and loaded by
// src/lesson/lazy.ts when the first lesson opens, so their rendering code is not on the activation path.
export { LessonPanels } from './lessonPanel';
