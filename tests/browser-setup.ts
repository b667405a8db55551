import type { BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { chromiumOptions } from '../scripts/chromium.ts';
import { chromium } from 'playwright-core';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The WebSocket endpoint of the run's one Chromium ('' when it could not start: each file then launches its own and reports why it fails). */
    chromiumEndpoint: string;
  }
}

/**
 * One Chromium for the whole run, which every browser test connects to
 * (tests/helpers/browser.ts launchChromium) and gets contexts of its own
 * from: starting Chromium once per file cost one to three seconds of two
 * busy cores each time, for nothing the tests assert.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: BrowserServer | undefined;
  try {
    server = await chromium.launchServer(chromiumOptions());
    project.provide('chromiumEndpoint', server.wsEndpoint());
  } catch {
    project.provide('chromiumEndpoint', '');
  }
  return async () => {
    await server?.close();
  };
}
