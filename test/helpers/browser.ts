/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser download does not work
 * here). Tests fail, rather than skip, when it is missing: CI installs it (.ci/run); set
 * WXRECON_SKIP_BROWSER=1 only on a machine that cannot have it.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.WXRECON_CHROMIUM ?? '/usr/bin/chromium';
export const SKIP_BROWSER = process.env.WXRECON_SKIP_BROWSER === '1';

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set WXRECON_SKIP_BROWSER=1 to skip browser tests)`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}
