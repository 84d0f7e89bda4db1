// `npm run test:deep`: the engine/check property and torture tests with DEEP=1 (ten
// times as many random scenarios, longer torture runs) plus the deep-only files.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['engine/check/**/*.test.ts', 'engine/check/**/*.deep.ts'],
    environment: 'node',
    testTimeout: 3_600_000,
    env: { DEEP: '1' },
  },
});
