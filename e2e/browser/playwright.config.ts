import { defineConfig } from '@playwright/test';

// Runs against a server that is already up (run.sh starts the real binary and sets OXIDESK_URL).
// The browser is Debian's Chromium: Playwright's own download is not reachable here.
export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  // `list` ends with a summary line such as "1 passed (4.2s)".
  reporter: [['list']],
  use: {
    baseURL: process.env.OXIDESK_URL ?? 'http://127.0.0.1:8080',
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // Without the background-networking flags Chromium keeps trying to reach hosts it cannot.
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
});
