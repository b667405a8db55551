/**
 * `npx tsx scripts/screenshot.ts <url> <out-prefix>`: full-page screenshots at
 * 1280 px and 375 px with Debian's Chromium, for looking at what a person sees.
 */
import { launchChromium } from './chromium.ts';

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: screenshot.ts <url> <out-prefix>');
  process.exit(2);
}
const browser = await launchChromium();
for (const width of [1280, 375]) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(url);
  await page.screenshot({ path: `${out}-${width}.png`, fullPage: true });
  await page.close();
}
await browser.close();
console.log(`${out}-1280.png, ${out}-375.png`);
