// `npm run dev`: the whole shop as processes on this machine, with the registry for discovery:
// registry :7000, two catalogs :7001 and :7011, orders :7002, inventory :7003, gateway :8080.
// Their JSON log lines are printed with the instance's name; Ctrl-C stops them all with SIGTERM
// (each deregisters and drains). Try `curl localhost:8080/products`. The registry's request lines
// (one per heartbeat and lookup) are not shown: they would drown the rest.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ENTRY_FILES, type ServiceName } from '../src/config.ts';
import { PROJECT_ROOT } from './processes.ts';

const REGISTRY = 'http://127.0.0.1:7000';
const CAST: readonly { name: string; service: ServiceName; port: number }[] = [
  { name: 'registry', service: 'registry', port: 7000 },
  { name: 'inventory', service: 'inventory', port: 7003 },
  { name: 'catalog-1', service: 'catalog', port: 7001 },
  { name: 'catalog-2', service: 'catalog', port: 7011 },
  { name: 'orders', service: 'orders', port: 7002 },
  { name: 'gateway', service: 'gateway', port: 8080 },
];

const children: ChildProcess[] = [];

function start(name: string, service: ServiceName, port: number): Promise<void> {
  const env: Record<string, string> = { ...process.env, PORT: String(port), HOST: '127.0.0.1', INSTANCE_ID: name };
  if (service !== 'registry') {
    env.REGISTRY_URL = REGISTRY;
  }
  const child = spawn(process.execPath, [join(PROJECT_ROOT, ENTRY_FILES[service])], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let shown = line;
      try {
        const { time: _time, service: _service, level, msg, ...fields } = JSON.parse(line) as Record<string, unknown>;
        shown = `${String(level).padEnd(5)} ${String(msg)} ${Object.keys(fields).length > 0 ? JSON.stringify(fields) : ''}`;
        if (msg === 'listening') {
          resolve();
        }
        if (service === 'registry' && msg === 'request') {
          return;
        }
      } catch {
        // not JSON: shown as is
      }
      console.log(`${`[${name}]`.padEnd(12)} ${shown}`);
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with code ${code}`)));
  });
}

async function main(): Promise<void> {
  const stop = (): void => {
    for (const child of children.reverse()) {
      child.kill('SIGTERM');
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const { name, service, port } of CAST) {
    await start(name, service, port);
  }
  console.log('\nthe shop is up: curl localhost:8080/products — Ctrl-C stops it\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  for (const child of children) {
    child.kill('SIGTERM');
  }
  process.exitCode = 1;
});
