/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser download does not work
 * here). Where it is missing, the browser tests are skipped with a message saying how to get it
 * (`npm test` stays true on a fresh machine) — except in CI, where .ci/run installs it and sets
 * WXRECON_REQUIRE_BROWSER=1, so a missing browser fails instead of passing silently.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.WXRECON_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRED = process.env.WXRECON_REQUIRE_BROWSER === '1';
export const SKIP_BROWSER = process.env.WXRECON_SKIP_BROWSER === '1' || (!REQUIRED && !existsSync(CHROMIUM));

if (SKIP_BROWSER && !REQUIRED && process.env.WXRECON_SKIP_BROWSER !== '1') {
  process.stderr.write(`wxrecon tests: no Chromium at ${CHROMIUM}; the browser tests are skipped (apt-get install chromium fonts-noto-cjk, or set WXRECON_CHROMIUM)\n`);
}

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (CI requires it)`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}
