import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { Commands } from '../../../src/constants';
import { milestoneKey, withLessonText, type Curriculum, type TopicLessonText } from '../../../src/core/curriculum/model';
import type { CompiledTemplate } from '../../../src/core/scaffold/template';
import { generateWalkthroughs, type GeneratedWalkthroughs, type Walkthrough } from '../../../src/core/walkthrough/generate';
import { contextKeySuffix, WalkthroughContext } from '../../../src/core/walkthrough/keys';
import { distFile } from '../freshBuild';

const ROOT = join(__dirname, '..', '..', '..');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;

/** `%key%` references replaced by their English text from package.nls.json, as VS Code shows them. */
function resolved(generated: GeneratedWalkthroughs): Walkthrough[] {
  const text = (value: string) => (/^%[^%]+%$/.test(value) ? (generated.nls[value.slice(1, -1)] ?? value) : value);
  return generated.walkthroughs.map((walkthrough) => ({
    ...walkthrough,
    title: text(walkthrough.title),
    description: text(walkthrough.description),
    steps: walkthrough.steps.map((step) => ({
      ...step,
      title: text(step.title),
      description: text(step.description),
      media: 'altText' in step.media ? { ...step.media, altText: text(step.media.altText) } : step.media,
    })),
  }));
}

function shipped() {
  const texts = JSON.parse(brotliDecompressSync(readFileSync(distFile('lessons.json.br'))).toString('utf8')) as Record<string, TopicLessonText>;
  const curriculum = withLessonText(JSON.parse(readFileSync(distFile('curriculum.json'), 'utf8')) as Curriculum, texts);
  assert.ok(curriculum, 'dist/lessons.json.br lacks a topic of dist/curriculum.json');
  const templates = JSON.parse(readFileSync(distFile('templates.json'), 'utf8')) as CompiledTemplate[];
  const generated = generateWalkthroughs(curriculum, templates);
  return { curriculum, templates, generated: { ...generated, walkthroughs: resolved(generated) }, listed: generated.walkthroughs };
}

/** Every `command:` link in a walkthrough step description, with its parsed arguments. */
function commandLinks(walkthroughs: readonly Walkthrough[]): { command: string; args: unknown[] }[] {
  return walkthroughs.flatMap((walkthrough) =>
    walkthrough.steps.flatMap((step) =>
      [...step.description.matchAll(/\(command:([\w.]+)(?:\?([^)]*))?\)/g)].map((match) => ({
        command: match[1],
        args: match[2] ? (JSON.parse(decodeURIComponent(match[2])) as unknown[]) : [],
      })),
    ),
  );
}

describe('walkthroughs', () => {
  it('are what the curriculum generates: package.json and walkthroughs/ have not drifted', () => {
    const { generated, listed } = shipped();
    const manifest = readJson<{ contributes: { walkthroughs: unknown } }>('package.json');
    assert.deepEqual(manifest.contributes.walkthroughs, JSON.parse(JSON.stringify(listed)));
    for (const [path, content] of generated.files) {
      assert.equal(readFileSync(join(ROOT, path), 'utf8'), content, path);
    }
  });

  it('list every string VS Code shows as a package.nls.json key, so a translation can replace it', () => {
    const { listed } = shipped();
    const nls = readJson<Record<string, string>>('package.nls.json');
    const shown = listed.flatMap((walkthrough) => [
      walkthrough.title,
      walkthrough.description,
      ...walkthrough.steps.flatMap((step) => [step.title, step.description, ...('altText' in step.media ? [step.media.altText] : [])]),
    ]);
    for (const value of shown) {
      assert.match(value, /^%walkthrough\.[^%]+%$/);
      assert.ok(nls[value.slice(1, -1)], `${value} is missing from package.nls.json`);
    }
  });

  it('have a start-here walkthrough, one per study step and one per project', () => {
    const { curriculum, generated } = shipped();
    const ids = generated.walkthroughs.map((walkthrough) => walkthrough.id);
    const expected = [
      'start-here',
      ...curriculum.steps.filter((step) => step.topics.length > 0).map((step) => `step-${step.id}`),
      ...curriculum.steps.flatMap((step) => step.projects ?? []).map((project) => `project-${project.id}`),
    ];
    assert.deepEqual(ids, expected);
  });

  it('derive every step id from a curriculum id, unique within its walkthrough', () => {
    const { curriculum, generated } = shipped();
    const topicIds = new Set(curriculum.steps.flatMap((step) => step.topics.map((topic) => topic.id)));
    const milestoneIds = new Set(curriculum.steps.flatMap((step) => step.projects ?? []).flatMap((p) => (p.milestones ?? []).map((m) => m.id)));
    const fixed = new Set(['open-roadmap', 'progress', 'first-lesson', 'projects', 'complete-step', 'brief', 'scaffold', 'readme']);
    for (const walkthrough of generated.walkthroughs) {
      const ids = walkthrough.steps.map((step) => step.id);
      assert.equal(new Set(ids).size, ids.length, `duplicate step id in ${walkthrough.id}`);
      for (const id of ids) {
        const derived =
          fixed.has(id) ||
          (id.startsWith('topic-') && topicIds.has(id.slice('topic-'.length))) ||
          (id.startsWith('milestone-') && milestoneIds.has(id.slice('milestone-'.length)));
        assert.ok(derived, `${walkthrough.id}#${id} is not derived from a curriculum id`);
      }
    }
  });

  it('link only to contributed commands, with arguments the commands accept', () => {
    const { curriculum, generated } = shipped();
    const declared = readJson<{ contributes: { commands: { command: string }[] } }>('package.json').contributes.commands.map((c) => c.command);
    const topicIds = new Set(curriculum.steps.flatMap((step) => step.topics.map((topic) => topic.id)));
    const projectIds = new Set(curriculum.steps.flatMap((step) => step.projects ?? []).map((project) => project.id));
    const stepIds = new Set(curriculum.steps.map((step) => step.id));
    const milestoneKeys = new Set(
      curriculum.steps.flatMap((step) => step.projects ?? []).flatMap((p) => (p.milestones ?? []).map((m) => milestoneKey(p.id, m.id))),
    );
    const accepts: Record<string, (args: unknown[]) => boolean> = {
      [Commands.openRoadmap]: (args) => args.length === 0,
      [Commands.scaffoldProject]: (args) => args.length === 0 || (args.length === 1 && projectIds.has(String(args[0]))),
      [Commands.openLesson]: (args) => args.length === 1 && topicIds.has(String(args[0])),
      [Commands.markTopicComplete]: (args) => args.length === 1 && topicIds.has(String(args[0])),
      [Commands.markStepComplete]: (args) => args.length === 1 && stepIds.has(String(args[0])),
      [Commands.openProjectReadme]: (args) => args.length === 1 && projectIds.has(String(args[0])),
      [Commands.checkMilestone]: (args) => args.length === 1 && milestoneKeys.has(String(args[0])),
    };
    const links = commandLinks(generated.walkthroughs);
    assert.ok(links.length > 0);
    for (const link of links) {
      assert.ok(declared.includes(link.command), `${link.command} is not contributed`);
      assert.ok(accepts[link.command]?.(link.args), `${link.command} ${JSON.stringify(link.args)} has arguments it does not accept`);
    }
  });

  it('refer only to media files that exist, with alt text on every image', () => {
    const { generated } = shipped();
    for (const step of generated.walkthroughs.flatMap((walkthrough) => walkthrough.steps)) {
      const file = 'markdown' in step.media ? step.media.markdown : step.media.svg;
      assert.ok(existsSync(join(ROOT, file)), `${step.id}: ${file} is missing`);
      if ('svg' in step.media) {
        assert.ok(step.media.altText.length > 0);
      }
    }
  });

  it("show each project's architecture diagram in its brief, with the project's description beside it", () => {
    const { curriculum, generated } = shipped();
    for (const project of curriculum.steps.flatMap((step) => step.projects ?? [])) {
      const brief = generated.walkthroughs.find((walkthrough) => walkthrough.id === `project-${project.id}`)?.steps.find((step) => step.id === 'brief');
      assert.ok(project.diagram, `${project.id} has no diagram`);
      assert.deepEqual(brief?.media, { svg: project.diagram.file, altText: project.diagram.alt });
      assert.ok(brief.description.includes(project.description ?? project.idea), project.id);
    }
  });

  it('write step descriptions as plain text, since walkthroughs show Markdown escapes as written', () => {
    for (const step of shipped().generated.walkthroughs.flatMap((walkthrough) => walkthrough.steps)) {
      const text = step.description.replace(/\[[^\]]*\]\(command:[^)]*\)/g, '');
      assert.doesNotMatch(text, /\\[-.()[\]*_#!]/, `${step.id}: ${text}`);
      assert.doesNotMatch(text, /[[\]]/, `${step.id}: brackets outside a link`);
    }
  });

  it('keep each Markdown page short enough for one screen', () => {
    for (const [path, content] of shipped().generated.files) {
      assert.ok(content.split(/\s+/).length <= 320, `${path} has ${content.split(/\s+/).length} words`);
      assert.ok(content.split('\n').length <= 30, `${path} has ${content.split('\n').length} lines`);
    }
  });

  it('complete topics, scaffolds and milestones through context keys the extension sets', () => {
    assert.equal(WalkthroughContext.done('fault-tolerance'), 'dsRoadmap.done.fault_tolerance');
    assert.equal(WalkthroughContext.verified('fault-tolerant-db/single-node-wal'), 'dsRoadmap.verified.fault_tolerant_db__single_node_wal');
    assert.equal(contextKeySuffix('a-b/c-d'), 'a_b__c_d');
    const events = shipped().generated.walkthroughs.flatMap((w) => w.steps.flatMap((s) => s.completionEvents));
    for (const event of events.filter((e) => e.startsWith('onContext:'))) {
      assert.match(event, /^onContext:dsRoadmap\.(done|scaffolded|verified)\.[A-Za-z0-9_]+$/);
    }
  });

  it("lists on the Welcome page Start Here, the current step's walkthrough and the projects that matter now", () => {
    const { generated } = shipped();
    const when = Object.fromEntries(generated.walkthroughs.map((walkthrough) => [walkthrough.id, walkthrough.when]));
    assert.equal(when['start-here'], undefined);
    assert.equal(when['step-fundamentals'], "dsRoadmap.currentStep == 'fundamentals' || !dsRoadmap.currentStep");
    assert.equal(when['step-networks'], "dsRoadmap.currentStep == 'networks'");
    assert.equal(when['project-fault-tolerant-db'], "dsRoadmap.currentStep == 'projects' || dsRoadmap.scaffolded.fault_tolerant_db");
    assert.ok(generated.walkthroughs.every((walkthrough) => walkthrough.id === 'start-here' || walkthrough.when));
  });

  it('shows "Try it" as Markdown, its code spans as code', () => {
    const { generated } = shipped();
    const page = generated.files.get('walkthroughs/fundamentals/introduction-goals.md') ?? '';
    const tryIt = /\*\*Try it:\*\* (.*)/.exec(page)?.[1] ?? '';
    assert.ok(tryIt.length > 0);
    assert.doesNotMatch(tryIt, /\\`/, 'backticks escaped: they would show as written');
  });
});
