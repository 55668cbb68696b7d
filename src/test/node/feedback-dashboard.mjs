// The dashboard's feedback panels in a browser, driven by FeedbackDashboardIT: headless Chromium
// (Debian's chromium, through playwright-core) loads the dashboard, waits for the model's drift
// chart, labelling requests and challenger trials, and takes a screenshot. Prints one JSON line
// with what it saw.
//   node feedback-dashboard.mjs URL MODEL WINDOWS REQUESTS TRIALS SCREENSHOT
import { chromium } from 'playwright-core';

const [url, model, windows, requests, trials, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  const root = `.model[data-model="${model}"]`;
  await page.waitForFunction(([r, n]) => document.querySelectorAll(`${r} .drift-chart circle`).length >= n,
    [root, Number(windows)], { timeout: 120_000, polling: 250 });
  await page.waitForFunction(([r, n]) => document.querySelectorAll(`${r} .labelling-queue tr.request`).length >= n,
    [root, Number(requests)], { timeout: 120_000, polling: 250 });
  await page.waitForFunction(([r, n]) => document.querySelectorAll(`${r} .trials tr.trial`).length >= n,
    [root, Number(trials)], { timeout: 120_000, polling: 250 });
  const seen = await page.evaluate((r) => ({
    points: document.querySelectorAll(`${r} .drift-chart circle`).length,
    drifted: document.querySelectorAll(`${r} .drift-chart circle.drifted`).length,
    threshold: document.querySelectorAll(`${r} .drift-chart line.threshold`).length,
    requests: document.querySelectorAll(`${r} .labelling-queue tr.request`).length,
    firstRequest: document.querySelector(`${r} .labelling-queue tr.request`)?.textContent.replace(/\s+/g, ' ').trim(),
    trials: document.querySelectorAll(`${r} .trials tr.trial`).length,
    firstTrial: document.querySelector(`${r} .trials tr.trial`)?.textContent.replace(/\s+/g, ' ').trim(),
  }), root);
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ ...seen, errors }));
} finally {
  await browser.close();
}
