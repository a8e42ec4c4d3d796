// Documents you can read, in a real browser (Debian's Chromium, playwright-core, axe-core), on
// a library made here from the fixtures (a 12-page PDF, a picture): a search for « stomates »
// leads to page 3, shown as an image with the word boxed over it and its text below as
// paragraphs; #page-3 lands on page 3; #page-12 (beyond the ten pages shown) lands too, through
// the page's script; « Page suivante » by keyboard; desktop and 375x812; axe-core at both.
// Usage: node documents.mjs REPERE_BINARY FIXTURES_DIR SCREENSHOT_DIR
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditedPage, check, launch, startServer, tabTo, tally } from './lib.mjs';

const [repere, fixtures, shotDir] = process.argv.slice(2);
if (!repere || !fixtures || !shotDir) {
  console.error('usage: node documents.mjs REPERE_BINARY FIXTURES_DIR SCREENSHOT_DIR');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'repere-documents-'));
const data = join(work, 'data');
mkdirSync(join(work, 'media'));
copyFileSync(join(fixtures, 'long.pdf'), join(work, 'media', 'cours-long.pdf'));
copyFileSync(join(fixtures, 'scan.png'), join(work, 'media', 'affiche.png'));
execFileSync(repere, ['init', data], { stdio: 'ignore' });
execFileSync(repere, ['ingest', '--data', data, join(work, 'media'), '--set', 'ingest.default_state=published'],
  { stdio: 'ignore' });

const { base, server } = await startServer(repere, data);
let browser;
try {
  browser = await launch();
  const found = await (await fetch(`${base}/api/v1/search?q=stomates`)).json();
  const hit = found.hits.find((h) => h.content.kind === 'document');
  check(!!hit, 'the search finds the long document');
  const id = hit.content.id;

  for (const [width, height, name] of [[1280, 800, 'bureau'], [375, 812, 'telephone']]) {
    const context = await browser.newContext({ viewport: { width, height } });
    const t = await auditedPage(context, base, shotDir);
    const page = t.page;
    // From the results, the moment's link.
    await t.open(`${base}/recherche?q=stomates`);
    const link = page.locator(`a[href*="/contenus/${id}"][href*="page-3"]`).first();
    check(await link.count() === 1, `${name}: the result links to page 3`);
    t.forget();
    await Promise.all([page.waitForNavigation(), link.click()]);
    await page.waitForFunction(() => { const i = document.querySelector('#page-3 img'); return i && i.complete && i.naturalWidth > 0; }, null, { timeout: 15000 });
    const shown = await page.evaluate(() => {
      const s = document.getElementById('page-3').getBoundingClientRect();
      const img = document.querySelector('#page-3 img');
      const rects = [...document.querySelectorAll('#page-3 svg rect')].map((r) => r.getBoundingClientRect());
      const box = img.getBoundingClientRect();
      return {
        top: s.top, src: img.currentSrc, width: box.width,
        rects: rects.length,
        inside: rects.every((r) => r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.width > 2),
        paragraphs: [...document.querySelectorAll('#page-3 .texte-page p')].map((p) => p.innerHTML),
        overflow: document.documentElement.scrollWidth - window.innerWidth,
      };
    });
    check(Math.abs(shown.top) < 5, `${name}: #page-3 lands on page 3 (its top at ${shown.top.toFixed(0)} px)`);
    check(/pages\/3\.webp\?l=(480|800|1200)$/.test(shown.src) && shown.width <= width, `${name}: the page is an image of the screen's size that fits it (${shown.src.replace(base, '')} drawn ${shown.width.toFixed(0)} px wide)`);
    check(shown.rects === 2 && shown.inside, `${name}: « stomates » is boxed twice over the image (${shown.rects})`);
    check(shown.paragraphs.some((p) => /<mark>stomates<\/mark> sont de petites ouvertures/.test(p)), `${name}: the page's text follows as paragraphs, the word marked`);
    check(shown.overflow <= 0, `${name}: nothing wider than the screen (${shown.overflow} px over)`);
    await page.screenshot({ path: `${shotDir}/document-page3-${name}.png` });
    await t.audit(`document-${name}`);

    // Beyond the ten pages shown, a #page link still lands (the script asks for its window).
    t.forget();
    await page.goto(`${base}/contenus/${id}#page-12`);
    await page.waitForURL(/page=12/, { timeout: 10000 });
    await page.waitForSelector('#page-12');
    const top12 = await page.evaluate(() => document.getElementById('page-12').getBoundingClientRect().top);
    check(Math.abs(top12) < 5, `${name}: #page-12 lands on page 12 (top at ${top12.toFixed(0)} px)`);

    // By keyboard: from page 3, « Page suivante » to page 4.
    {
      await page.goto(`${base}/contenus/${id}?q=stomates#page-3`);
      await tabTo(page, () => document.activeElement && document.activeElement.textContent === 'Page suivante' &&
        document.activeElement.closest('#page-3') !== null);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => location.hash === '#page-4');
      const top4 = await page.evaluate(() => document.getElementById('page-4').getBoundingClientRect().top);
      check(Math.abs(top4) < 5, `${name}: « Page suivante » by keyboard goes to page 4 (top at ${top4.toFixed(0)} px)`);
    }

    // The picture: scaled, its read text labelled as machine-made.
    await t.open(`${base}/recherche?q=chloroplastes`);
    const poster = page.locator('a[href*="/contenus/"]').first();
    t.forget();
    await Promise.all([page.waitForNavigation(), poster.click()]);
    const label = await page.locator('.machine').count();
    check(label >= 1, `${name}: the picture's text is labelled as read by a machine`);
    await page.waitForFunction(() => { const i = document.querySelector('.feuille img'); return i && i.complete && i.naturalWidth > 0; }, null, { timeout: 15000 });
    await t.audit(`image-${name}`);
    await context.close();
  }
} catch (e) {
  check(false, `${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
console.log(`${tally.passed} passed, ${tally.failures} failed`);
process.exit(tally.failures ? 1 : 0);
