import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/** Debian's Chromium (or CHROMIUM_PATH), with the flags a machine without outside network needs. */
export function chromiumOptions(): LaunchOptions {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumOptions());
}
