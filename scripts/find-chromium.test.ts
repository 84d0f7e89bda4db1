import { describe, expect, it } from 'vitest';
import {
  SYSTEM_PATHS,
  chromiumPackage,
  installPlan,
  isDebianLike,
  locate,
  notFoundMessage,
  parseOsRelease,
} from './find-chromium.mjs';

const fs = (...present: string[]) => (p: string) => present.includes(p);

const DEBIAN = parseOsRelease(`PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
ID=debian
`);
const UBUNTU = parseOsRelease('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n');
const MINT = parseOsRelease('NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n');
const FEDORA = parseOsRelease('NAME="Fedora Linux"\nID=fedora\n');

describe('locate', () => {
  it('prefers CHROMIUM_PATH over everything else', () => {
    const r = locate({
      env: { CHROMIUM_PATH: '/opt/chrome/chrome' },
      platform: 'linux',
      exists: fs('/opt/chrome/chrome', '/usr/bin/chromium'),
      playwrightPath: null,
    });
    expect(r).toEqual({ path: '/opt/chrome/chrome', source: 'CHROMIUM_PATH' });
  });

  it('reports a CHROMIUM_PATH that does not exist instead of silently using another browser', () => {
    const r = locate({ env: { CHROMIUM_PATH: '/nope' }, platform: 'linux', exists: fs('/usr/bin/chromium') });
    expect(r.path).toBeNull();
    expect(r).toMatchObject({ reason: expect.stringContaining('CHROMIUM_PATH=/nope') });
  });

  it('ignores an empty CHROMIUM_PATH', () => {
    const r = locate({ env: { CHROMIUM_PATH: '  ' }, platform: 'linux', exists: fs('/usr/bin/chromium') });
    expect(r).toEqual({ path: '/usr/bin/chromium', source: 'system' });
  });

  it('takes the first system path that exists, in the documented order', () => {
    expect(SYSTEM_PATHS.linux.slice(0, 3)).toEqual([
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/lib/chromium/chromium',
    ]);
    const r = locate({
      env: {},
      platform: 'linux',
      exists: fs('/snap/bin/chromium', '/usr/bin/google-chrome-stable'),
    });
    expect(r).toEqual({ path: '/usr/bin/google-chrome-stable', source: 'system' });
  });

  it('finds Chrome on macOS by its app bundle', () => {
    const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(locate({ env: {}, platform: 'darwin', exists: fs(chrome) })).toEqual({ path: chrome, source: 'system' });
  });

  it("falls back to Playwright's own browser only when its file exists", () => {
    const pw = '/root/.cache/ms-playwright/chromium-1234/chrome-linux/chrome';
    expect(locate({ env: {}, platform: 'linux', exists: fs(pw), playwrightPath: pw })).toEqual({
      path: pw,
      source: 'playwright',
    });
    expect(locate({ env: {}, platform: 'linux', exists: fs(), playwrightPath: pw }).path).toBeNull();
  });

  it('finds nothing on an unknown platform with no override', () => {
    expect(locate({ env: {}, platform: 'aix', exists: () => true }).path).toBeNull();
  });
});

describe('os-release', () => {
  it('parses quoted and unquoted values', () => {
    expect(DEBIAN).toEqual({ id: 'debian', idLike: [] });
    expect(MINT).toEqual({ id: 'linuxmint', idLike: ['ubuntu', 'debian'] });
  });

  it('recognises Debian and its derivatives', () => {
    expect([DEBIAN, UBUNTU, MINT].map(isDebianLike)).toEqual([true, true, true]);
    expect(isDebianLike(FEDORA)).toBe(false);
    expect(isDebianLike(null)).toBe(false);
  });

  it("uses Debian's and Ubuntu's package names", () => {
    expect(chromiumPackage(DEBIAN)).toBe('chromium');
    expect(chromiumPackage(UBUNTU)).toBe('chromium-browser');
    expect(chromiumPackage(MINT)).toBe('chromium-browser');
  });
});

describe('installPlan', () => {
  it('runs apt-get directly as root', () => {
    const plan = installPlan({ os: DEBIAN, uid: 0, sudo: false });
    expect(plan?.commands).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'chromium'],
    ]);
    expect(plan?.display).toBe('apt-get update && apt-get install -y chromium');
  });

  it('uses sudo -n when it needs no password', () => {
    const plan = installPlan({ os: DEBIAN, uid: 1000, sudo: true });
    expect(plan?.commands.every((c) => c[0] === 'sudo' && c[1] === '-n')).toBe(true);
  });

  it('does nothing without root or passwordless sudo, or off Debian', () => {
    expect(installPlan({ os: DEBIAN, uid: 1000, sudo: false })).toBeNull();
    expect(installPlan({ os: FEDORA, uid: 0, sudo: false })).toBeNull();
    expect(installPlan({ os: null, uid: 0, sudo: false })).toBeNull();
  });
});

describe('notFoundMessage', () => {
  it('says exactly what to install on Debian, and how to point at a browser', () => {
    const m = notFoundMessage({ platform: 'linux', os: DEBIAN, reason: 'no Chromium or Chrome found' });
    expect(m).toContain('sudo apt-get install chromium');
    expect(m).toContain('CHROMIUM_PATH=/path/to/chrome');
    expect(m).toContain('no Chromium or Chrome found');
  });

  it('gives a macOS hint on macOS', () => {
    expect(notFoundMessage({ platform: 'darwin', os: null, reason: 'x' })).toMatch(/Chrome/);
  });
});
