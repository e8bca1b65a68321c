// Headless Chromium for driving the workbench: by default the one shipped inside the npm package
// @sparticuz/chromium (a devDependency, so no system package and no download at run time), unpacked
// once into the cache; launched with the flags this network needs.
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { cacheRoot } from './server';

const PACKAGE = '@sparticuz/chromium';
const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export interface ChromiumInstall {
  readonly executable: string;
  /** Variables the binary needs: its own copies of NSS and Expat, and fonts. */
  readonly env: Readonly<Record<string, string>>;
}

/** The packaged Chromium's folder in node_modules, or undefined where it is not installed. */
function packagedBinDir(): { dir: string; version: string } | undefined {
  let entry: string;
  try {
    // Its exports map hides package.json: find the package's folder from its entry point.
    entry = require.resolve(PACKAGE);
  } catch {
    return undefined;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version: string };
      if (name === PACKAGE) {
        return { dir: join(dir, 'bin'), version };
      }
    }
  }
  return undefined;
}

async function inflate(source: string, target: string): Promise<void> {
  await pipeline(createReadStream(source), createBrotliDecompress(), createWriteStream(target, { mode: 0o755 }));
}

/**
 * Unpacks a brotli-compressed tar into `target` with the system tar (Debian's is always there).
 * Through a file, not a pipe: tar stops reading at the archive's end marker, and the padding
 * still being written after it then fails the pipe ("Premature close", seen on a loaded machine).
 */
async function inflateTar(source: string, target: string): Promise<void> {
  mkdirSync(target, { recursive: true });
  const archive = `${target}.tar`;
  await inflate(source, archive);
  try {
    execFileSync('tar', ['-x', '-f', archive, '-C', target], { stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    rmSync(archive, { force: true });
  }
}

/**
 * Unpacks the packaged Chromium (once per version) into the cache. The package is built for Amazon
 * Linux; it brings the few libraries it needs beyond glibc (NSS, NSPR, Expat) in al2023.tar.br,
 * which is what lets it run on a Debian machine with no browser libraries installed.
 */
async function unpackPackagedChromium(bin: string, version: string): Promise<ChromiumInstall> {
  const dir = join(cacheRoot(), `chromium-${version}`);
  const install: ChromiumInstall = {
    executable: join(dir, 'chromium'),
    env: {
      LD_LIBRARY_PATH: [join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_PATH: join(dir, 'fonts'),
    },
  };
  if (existsSync(join(dir, '.complete'))) {
    return install;
  }
  console.log(`[browser] unpacking Chromium from ${PACKAGE}@${version} into ${dir}, once`);
  // Unpacked beside the target and renamed into place, so two runs at once never see half a browser.
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await inflate(join(bin, 'chromium.br'), join(partial, 'chromium'));
  await inflateTar(join(bin, 'al2023.tar.br'), partial); // lib/
  await inflateTar(join(bin, 'fonts.tar.br'), join(partial, 'fonts')); // fonts.conf and fonts/Open_Sans
  // Its own fonts.conf points at Lambda's folders: use the system's fonts where there are any, and
  // the packaged Open Sans always, so a machine with no fonts still renders text.
  writeFileSync(
    join(partial, 'fonts', 'fonts.conf'),
    [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
      '<fontconfig>',
      '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
      `  <dir>${join(dir, 'fonts', 'fonts')}</dir>`,
      `  <cachedir>${join(dir, 'fonts-cache')}</cachedir>`,
      '</fontconfig>',
      '',
    ].join('\n'),
  );
  writeFileSync(join(partial, '.complete'), `${new Date().toISOString()}\n`);
  try {
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    // Another run unpacked the same version first: use that one.
    if (!existsSync(join(dir, '.complete'))) {
      throw error;
    }
  }
  return install;
}

/**
 * The browser to drive: CHROME_PATH when set; else the packaged Chromium (Linux x64 only); else a
 * system Chrome or Chromium.
 */
export async function findChromium(): Promise<ChromiumInstall> {
  const configured = process.env.CHROME_PATH;
  if (configured) {
    if (!existsSync(configured)) {
      throw new Error(`CHROME_PATH is ${configured}, which does not exist: point it at a Chrome or Chromium binary, or unset it.`);
    }
    return { executable: configured, env: {} };
  }
  const packaged = packagedBinDir();
  if (packaged && platform() === 'linux' && arch() === 'x64') {
    return unpackPackagedChromium(packaged.dir, packaged.version);
  }
  const found = SYSTEM_CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      packaged
        ? `The Chromium in ${PACKAGE} runs on Linux x64 only. Install Chrome or Chromium, or set CHROME_PATH to its binary.`
        : `No browser for the VS Code tests: ${PACKAGE} is missing (run "npm install"), or set CHROME_PATH to a Chrome or Chromium binary.`,
    );
  }
  return { executable: found, env: {} };
}

export async function launchBrowser(): Promise<Browser> {
  const browser = await findChromium();
  return chromium.launch({
    executablePath: browser.executable,
    env: { ...process.env, ...browser.env },
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
