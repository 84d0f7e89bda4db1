// Types for scripts/find-chromium.mjs (plain Node, no build step).

export interface OsRelease {
  id: string;
  idLike: string[];
}

export type Located = { path: string; source: 'CHROMIUM_PATH' | 'system' | 'playwright' } | { path: null; reason: string };

export const SYSTEM_PATHS: Record<'linux' | 'darwin' | 'win32', string[]>;

export function locate(opts: {
  env: Record<string, string | undefined>;
  platform: string;
  exists: (path: string) => boolean;
  playwrightPath?: string | null;
}): Located;

export function parseOsRelease(text: string): OsRelease;
export function isDebianLike(os: OsRelease | null): boolean;
export function chromiumPackage(os: OsRelease | null): string;
export function installPlan(opts: { os: OsRelease | null; uid: number | undefined; sudo: boolean }): {
  commands: string[][];
  display: string;
} | null;
export function notFoundMessage(opts: { platform: string; os: OsRelease | null; reason: string }): string;
export function findChromium(opts?: { install?: boolean; log?: (message: string) => void }): string;
