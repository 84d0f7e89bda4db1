import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Relative asset URLs: the built app works from any sub-path (a course web page, GitHub Pages).
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022' },
  test: {
    include: ['engine/**/*.test.ts', 'app/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    // React tests opt into the DOM with a first-line `// @vitest-environment jsdom`.
    environment: 'node',
  },
});
