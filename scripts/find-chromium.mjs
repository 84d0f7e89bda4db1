#!/usr/bin/env node
// Finds a Chromium or Chrome for Playwright, without ever downloading one
// (`npx playwright install` cannot work on this project's machines).
//
// Order: $CHROMIUM_PATH, the usual system paths, then Playwright's own browser if a
// previous `playwright install` left one. When nothing is found on Debian/Ubuntu and
// we may use apt (root, or passwordless sudo), `--install` runs
// `apt-get update && apt-get install -y chromium`; otherwise it says what to install.
//
// CLI:  node scripts/find-chromium.mjs [--install]   prints the browser's path on stdout
//       exit 0 found, 1 not found (the reason on stderr)
// API:  findChromium({ install }) used by playwright.config.ts; the pure parts
//       (locate, parseOsRelease, installPlan, notFoundMessage) are unit-tested.

import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** System install locations, per `process.platform`, most likely first. */
export const SYSTEM_PATHS = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/lib/chromium/chromium',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files\\Chromium\\Application\\chrome.exe',
  ],
};

/**
 * Chooses a browser. Pure: every fact about the machine comes in through the arguments.
 *   env             environment (only CHROMIUM_PATH is read)
 *   platform        'linux' | 'darwin' | 'win32' | ...
 *   exists(path)    does an executable file exist there
 *   playwrightPath  Playwright's own Chromium path (may not exist), or null
 * Returns { path, source } or { path: null, reason }.
 */
export function locate({ env, platform, exists, playwrightPath = null }) {
  const override = env.CHROMIUM_PATH?.trim();
  if (override) {
    if (exists(override)) return { path: override, source: 'CHROMIUM_PATH' };
    // An explicit choice that is wrong is an error, not a hint to look elsewhere.
    return { path: null, reason: `CHROMIUM_PATH=${override} does not exist` };
  }
  for (const p of SYSTEM_PATHS[platform] ?? []) {
    if (exists(p)) return { path: p, source: 'system' };
  }
  if (playwrightPath && exists(playwrightPath)) return { path: playwrightPath, source: 'playwright' };
  return { path: null, reason: 'no Chromium or Chrome found' };
}

/** Parses /etc/os-release into { id, idLike[] } (lower case). */
export function parseOsRelease(text) {
  const vars = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_]+)=(.*)$/.exec(line);
    if (!m) continue;
    vars[m[1]] = m[2].trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return {
    id: (vars.ID ?? '').toLowerCase(),
    idLike: (vars.ID_LIKE ?? '').toLowerCase().split(/\s+/).filter(Boolean),
  };
}

export function isDebianLike(os) {
  if (!os) return false;
  return ['debian', 'ubuntu'].includes(os.id) || os.idLike.includes('debian') || os.idLike.includes('ubuntu');
}

/** Debian calls the package `chromium`; Ubuntu's `chromium` is gone, `chromium-browser` is its name there. */
export function chromiumPackage(os) {
  return os && (os.id === 'ubuntu' || (os.id !== 'debian' && os.idLike.includes('ubuntu'))) ? 'chromium-browser' : 'chromium';
}

/**
 * How to install Chromium here, or null when we cannot do it ourselves.
 *   os        parsed os-release or null;  uid  process uid (undefined off POSIX)
 *   sudo      is passwordless sudo available
 * Returns { commands: string[][], display: string }.
 */
export function installPlan({ os, uid, sudo }) {
  if (!isDebianLike(os)) return null;
  const prefix = uid === 0 ? [] : sudo ? ['sudo', '-n', '--preserve-env=DEBIAN_FRONTEND'] : null;
  if (!prefix) return null;
  const pkg = chromiumPackage(os);
  const commands = [
    [...prefix, 'apt-get', 'update'],
    [...prefix, 'apt-get', 'install', '-y', pkg],
  ];
  return { commands, display: commands.map((c) => c.join(' ')).join(' && ') };
}

/** What to tell a person when no browser can be found or installed. */
export function notFoundMessage({ platform, os, reason }) {
  let how;
  if (platform === 'darwin') how = 'install Chromium or Google Chrome (e.g. brew install --cask chromium)';
  else if (platform === 'win32') how = 'install Google Chrome';
  else if (isDebianLike(os)) how = `install Chromium: sudo apt-get install ${chromiumPackage(os)}`;
  else how = "install Chromium with your distribution's package manager (e.g. sudo dnf install chromium)";
  return (
    `find-chromium: ${reason}.\n` +
    `To run the browser tests, ${how}, or set CHROMIUM_PATH=/path/to/chrome.\n` +
    `(Do not run \`npx playwright install\`: it downloads a browser build, which this project does not use.)`
  );
}

// ---- impure part -------------------------------------------------------------

function isExecutableFile(p) {
  try {
    if (!statSync(p).isFile()) return false;
    if (process.platform !== 'win32') accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function playwrightBrowserPath() {
  try {
    const require = createRequire(import.meta.url);
    const { chromium } = require('playwright-core');
    return chromium.executablePath() || null;
  } catch {
    return null; // playwright-core not installed yet, or an unsupported platform
  }
}

function readOsRelease() {
  for (const f of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(readFileSync(f, 'utf8'));
    } catch {
      /* try the next one */
    }
  }
  return null;
}

function hasPasswordlessSudo() {
  try {
    return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
}

function machineLocate() {
  return locate({
    env: process.env,
    platform: process.platform,
    exists: isExecutableFile,
    playwrightPath: playwrightBrowserPath(),
  });
}

/**
 * Returns the path of a usable Chromium, installing Debian's package first when
 * `install` is true and that is possible. Throws an Error with a clear message otherwise.
 * Installer output goes to stderr (stdout may be read by a caller).
 */
export function findChromium({ install = false, log = (m) => process.stderr.write(m + '\n') } = {}) {
  let found = machineLocate();
  if (found.path) return found.path;
  const os = process.platform === 'linux' ? readOsRelease() : null;
  if (!process.env.CHROMIUM_PATH && install) {
    const plan = installPlan({ os, uid: process.getuid?.(), sudo: process.getuid?.() !== 0 && hasPasswordlessSudo() });
    if (plan) {
      log(`find-chromium: no browser found; installing: ${plan.display}`);
      try {
        for (const [cmd, ...args] of plan.commands) {
          execFileSync(cmd, args, {
            stdio: ['ignore', 2, 2],
            env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
          });
        }
      } catch (e) {
        throw new Error(notFoundMessage({ platform: process.platform, os, reason: `installing Chromium failed (${e.message})` }));
      }
      found = machineLocate();
      if (found.path) return found.path;
      throw new Error(notFoundMessage({ platform: process.platform, os, reason: 'apt-get finished but no browser appeared' }));
    }
  }
  throw new Error(notFoundMessage({ platform: process.platform, os, reason: found.reason }));
}

function isMain() {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  try {
    process.stdout.write(findChromium({ install: process.argv.includes('--install') }) + '\n');
  } catch (e) {
    process.stderr.write(e.message + '\n');
    process.exit(1);
  }
}
