import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHECK_TASK_TYPE,
  Commands,
  ContextKeyPrefixes,
  ContextKeys,
  Events,
  PREFIX,
  Settings,
  StateKeys,
  StatusBarItems,
  TreeItemKinds,
  Views,
  WebviewTypes,
} from '../../src/constants';

const ROOT = join(__dirname, '..', '..');

interface Manifest {
  activationEvents?: string[];
  engines: { vscode: string };
  icon: string;
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    views: Record<string, { id: string }[]>;
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    viewsWelcome: { view: string; when?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
  };
}

const manifestText = readFileSync(join(ROOT, 'package.json'), 'utf8');
const manifest = JSON.parse(manifestText) as Manifest;
const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const declared = manifest.contributes.commands.map((c) => c.command);

/** Every string value in package.json. */
function manifestStrings(value: unknown = manifest): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  return value !== null && typeof value === 'object' ? Object.values(value).flatMap((child) => manifestStrings(child)) : [];
}

/** The ids of the constants module that package.json may name. */
const declaredIds: string[] = [...Object.values(Commands), ...Object.values(Views), ...Object.values(ContextKeys), ...Object.values(Settings), CHECK_TASK_TYPE];

function whenClauses(): string[] {
  const { menus, viewsWelcome } = manifest.contributes;
  return [...Object.values(menus).flat(), ...viewsWelcome].map((entry) => entry.when ?? '');
}

describe('package.json contributions', () => {
  it('declares exactly the commands the code defines', () => {
    assert.deepEqual([...declared].sort(), Object.values(Commands).sort());
  });

  it('prefixes every command with the one prefix and gives each the Roadmap category', () => {
    for (const command of manifest.contributes.commands) {
      assert.ok(command.command.startsWith(`${PREFIX}.`), command.command);
      assert.equal(nls[command.category?.slice(1, -1) ?? ''], 'Roadmap');
    }
  });

  it('uses the view and container ids of the constants module', () => {
    assert.deepEqual(
      manifest.contributes.viewsContainers.activitybar.map((c) => c.id),
      [Views.container],
    );
    assert.deepEqual(
      manifest.contributes.views[Views.container].map((v) => v.id),
      [Views.roadmap, Views.plan],
    );
  });

  it('names only declared commands in menus', () => {
    for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
      for (const entry of entries) {
        assert.ok(declared.includes(entry.command), `${menu} names undeclared ${entry.command}`);
      }
    }
  });

  it('matches only tree item kinds the tree produces in viewItem clauses', () => {
    const kinds: string[] = Object.values(TreeItemKinds);
    for (const when of whenClauses()) {
      for (const match of when.matchAll(/viewItem == ([\w.]+)/g)) {
        assert.ok(kinds.includes(match[1]), `unknown viewItem ${match[1]}`);
      }
    }
  });

  it('uses only context keys of the constants module', () => {
    const keys: string[] = Object.values(ContextKeys);
    for (const when of whenClauses()) {
      for (const match of when.replace(/view == [\w.]+/g, '').matchAll(/\b(dsRoadmap\.[\w.]+)/g)) {
        assert.ok(keys.includes(match[1]), `unknown context key ${match[1]}`);
      }
    }
  });

  it('names only ids of the constants module, and walkthrough context keys only with its prefixes', () => {
    const named = new Set(manifestStrings().flatMap((text) => [...text.matchAll(/\bdsRoadmap(?:\.[A-Za-z_]\w*)*/g)].map((match) => match[0])));
    for (const id of named) {
      const prefixed = Object.values(ContextKeyPrefixes).some((prefix) => id.startsWith(prefix) && id.length > prefix.length);
      assert.ok(
        declaredIds.includes(id) || (Object.values(WebviewTypes) as string[]).includes(id) || prefixed,
        `package.json names ${id}, which src/constants.ts does not define`,
      );
    }
  });

  it('builds every activation and walkthrough completion event on our ids as the constants module does', () => {
    const events = manifestStrings().filter((text) => /^on[A-Z]\w*:dsRoadmap/.test(text));
    assert.ok(events.length > 0);
    const built = new Set([
      ...Object.values(Commands).map((id) => Events.onCommand(id)),
      ...Object.values(Views).map((id) => Events.onView(id)),
      ...Object.values(WebviewTypes).map((id) => Events.onWebviewPanel(id)),
    ]);
    for (const event of events) {
      const context = event.startsWith('onContext:') && Object.values(ContextKeyPrefixes).some((prefix) => event.startsWith(Events.onContext(prefix)));
      assert.ok(built.has(event) || context, `package.json has the event ${event}, which Events does not build`);
    }
  });

  it('gives every id of the constants module the one prefix, and no two the same id', () => {
    const ids = [
      ...declaredIds,
      ...Object.values(StatusBarItems),
      ...Object.values(WebviewTypes),
      ...Object.values(StateKeys),
      ...Object.values(ContextKeyPrefixes),
    ];
    for (const id of ids) {
      assert.ok(id === PREFIX || id.startsWith(`${PREFIX}.`), id);
    }
    assert.equal(new Set(ids).size, ids.length, 'an id is used twice');
  });

  it('has a translation entry for every %key% and no unused entries', () => {
    const used = new Set([...manifestText.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]));
    assert.deepEqual([...used].sort(), Object.keys(nls).sort());
  });

  it('never activates at startup: only on its commands and views, and to restore a lesson', () => {
    assert.deepEqual(manifest.activationEvents ?? [], [Events.onWebviewPanel(WebviewTypes.lesson)]);
  });

  it('supports the VS Code the installed API types describe, no newer', () => {
    const types = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@types', 'vscode', 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(manifest.engines.vscode, `^${types.version}`);
  });

  it('ships a 128×128 PNG icon and the activity-bar SVG', () => {
    const png = readFileSync(join(ROOT, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
    assert.equal(png.readUInt32BE(16), 128);
    assert.equal(png.readUInt32BE(20), 128);
    assert.ok(existsSync(join(ROOT, manifest.contributes.viewsContainers.activitybar[0].icon)));
  });

  it('packages from an allow-list', () => {
    const lines = readFileSync(join(ROOT, '.vscodeignore'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    assert.equal(lines[0], '**');
    assert.ok(lines.slice(1).every((line) => line.startsWith('!')));
  });
});
