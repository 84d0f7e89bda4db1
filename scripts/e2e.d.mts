// Types for scripts/e2e.mjs (plain Node, no build step).
export const BUILD_INPUTS: string[];
export function newestMtime(path: string): number;
export function needsBuild(distMtime: number, inputsMtime: number): boolean;
