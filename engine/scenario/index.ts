// The scenario module: format types, validation, defaults, the Linux command line and
// the link codec (arbitrary.ts, the fast-check generators, is for tests only).

export * from './types';
export * from './validate';
export * from './defaults';
export * from './cmdline';
export * from './link';
