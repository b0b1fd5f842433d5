/**
 * Debian's Chromium, driven by playwright-core: headless, no sandbox (CI runs as root), nothing
 * fetched from the network, a fresh profile each launch. Never downloads a browser.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface Chromium {
  browser: BrowserContext;
  close(): Promise<void>;
}

/** Where screenshots go: $SCRIBE_UI_SCREENSHOTS, or a temporary directory. */
export async function screenshotDir(): Promise<string> {
  return process.env.SCRIBE_UI_SCREENSHOTS ?? mkdtemp(join(tmpdir(), 'scribe-ui-shots-'));
}

export async function launchChromium(options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; acceptDownloads?: boolean; extraHTTPHeaders?: Record<string, string> } = {}): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is not installed: apt-get install chromium (.ci/run does)`);
  const profile = await mkdtemp(join(tmpdir(), 'scribe-chromium-'));
  const browser: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: options.acceptDownloads ?? true,
    ...(options.extraHTTPHeaders ? { extraHTTPHeaders: options.extraHTTPHeaders } : {}),
  });
  return {
    browser,
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser };
