// The dashboard's browser test, driven by DemoIT: headless Chromium (Debian's chromium, through
// playwright-core) loads the dashboard while a demo runs, waits for a served version, then for a
// newer one to appear without a reload, opens that version's model card, uploads an image to the
// classify box, and takes a screenshot. Prints one JSON line with what it saw.
//   node dashboard.mjs URL MODEL IMAGE SCREENSHOT
import { chromium } from 'playwright-core';

const [url, model, image, screenshot] = process.argv.slice(2);
const timeout = 420_000;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.evaluate(() => { window.__loadedOnce = true; });
  const served = (m) => {
    const text = document.querySelector(`.model[data-model="${m}"] .served-version`)?.textContent || '';
    const match = text.match(/serving v(\d+)/);
    return match ? Number(match[1]) : 0;
  };
  await page.waitForFunction(served, model, { timeout, polling: 250 });
  const first = await page.evaluate(served, model);
  await page.waitForFunction(([m, v]) => {
    const text = document.querySelector(`.model[data-model="${m}"] .served-version`)?.textContent || '';
    const match = text.match(/serving v(\d+)/);
    return match && Number(match[1]) > v;
  }, [model, first], { timeout, polling: 250 });
  const later = await page.evaluate(served, model);
  const noReload = await page.evaluate(() => window.__loadedOnce === true);
  const versionsListed = await page.locator(`.model[data-model="${model}"] tr.version-row`).count();

  await page.locator(`.model[data-model="${model}"] tr.version-row[data-version="${later}"] a.card-link`).click();
  const card = page.frameLocator('#card-frame');
  await card.locator('text=Confusion matrix').first().waitFor({ timeout: 60_000 });
  const cardTitle = (await page.locator('#version-title').textContent()).trim();
  const cardHasMisclassified = await card.locator('text=Misclassified').count() > 0;

  await page.locator('a[href="#/"]').first().click();
  await page.locator('#overview').waitFor({ state: 'visible' });
  await page.waitForFunction((m) => [...document.querySelectorAll('#classify-model option')].some((o) => o.value === m), model, { timeout: 30_000 });
  await page.selectOption('#classify-model', model);
  await page.setInputFiles('#classify-file', image);
  const prediction = page.locator('#classify-result .prediction');
  await prediction.waitFor({ timeout: 60_000 });
  const predicted = (await prediction.textContent()).trim();
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ first, later, noReload, versionsListed, cardTitle, cardHasMisclassified, predicted, errors }));
} finally {
  await browser.close();
}
