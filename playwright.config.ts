// Playwright drives a system Chromium found by scripts/find-chromium.mjs (never a
// downloaded browser) against the production build served by `vite preview`.
// Screenshots meant for people go to artifacts/screenshots/ (see e2e/); test-results/
// is Playwright's scratch space and is wiped at every run.

import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/find-chromium.mjs';

// E2E_MODE=dev runs the same specs against the dev server instead of the build.
const dev = process.env.E2E_MODE === 'dev';
const PORT = dev ? 5173 : 4173;
const baseURL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: 'e2e',
  // The wall-clock UI budgets are a benchmark (`npm run bench:ui` sets XSP_BENCH=1), not a test:
  // their figures depend on the machine's load.
  testIgnore: process.env.XSP_BENCH === '1' ? [] : ['**/perf.spec.ts'],
  outputDir: 'test-results',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL,
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Installs Debian's chromium when none is found and we are root (a fresh CI machine).
      executablePath: findChromium({ install: true }),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command: `npx vite ${dev ? '' : 'preview '}--host 127.0.0.1 --port ${PORT} --strictPort`,
    url: baseURL,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
