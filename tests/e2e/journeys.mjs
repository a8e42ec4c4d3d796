// Repère's teachers' journeys in a real browser: Debian's Chromium driven by playwright-core,
// every page audited by axe-core (WCAG 2.1 A and AA rules), weighed, and photographed.
// Usage: node journeys.mjs REPERE_BINARY DATA_DIR SCREENSHOT_DIR
// Starts `repere serve` on a free port of 127.0.0.1, and stops it at the end.
import { auditedPage, check, launch, startServer, tally } from './lib.mjs';

const [repere, dataDir, shotDir] = process.argv.slice(2);
if (!repere || !dataDir || !shotDir) {
  console.error('usage: node journeys.mjs REPERE_BINARY DATA_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const { base, server } = await startServer(repere, dataDir);
let browser;
try {
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const { page, audit, open, forget } = await auditedPage(context, base, shotDir);

  // The player (video or audio) once it knows its duration: where it stands.
  async function videoTime() {
    await page.waitForFunction(() => {
      const v = document.getElementById('lecteur');
      return v && v.readyState >= 1;
    }, null, { timeout: 15000 });
    await page.waitForTimeout(300);
    return page.evaluate(() => document.getElementById('lecteur').currentTime);
  }

  // 1. Search with the mouse, open a moment: the video is at that second.
  await open(`${base}/`);
  await audit('accueil');
  await page.fill('#q', 'comment les plantes fabriquent leur matière');
  forget();
  await Promise.all([page.waitForNavigation(), page.click('.recherche-principale button[type=submit]')]);
  await audit('resultats');
  const firstTitle = await page.locator('.carte h2 a').first().textContent();
  check(/photosynthèse/i.test(firstTitle), `the photosynthesis video comes first (${firstTitle.trim()})`);
  // The first card's last moment: one that starts well into the video.
  const moment = page.locator('.carte').first().locator('.moments a:not(.creer)').last();
  const href = await moment.getAttribute('href');
  const wanted = Number(new URL(href, base).searchParams.get('t'));
  check(wanted > 30, `the moment is well into the video (${wanted} s)`);
  forget();
  await Promise.all([page.waitForNavigation(), moment.click()]);
  const t = await videoTime();
  check(Math.abs(t - wanted) <= 1, `the video starts at the moment's second (${t.toFixed(1)} s for ${wanted} s)`);
  check(await page.locator('video track[kind=captions]').count() >= 1, 'the video has a captions track');
  await audit('contenu');

  // 2. A click on a transcript line seeks the video there.
  const line = page.locator('#transcription li[data-start]').nth(5);
  const lineStart = Number(await line.getAttribute('data-start'));
  await line.locator('a').click();
  await page.waitForTimeout(500);
  const after = await page.evaluate(() => document.querySelector('video').currentTime);
  check(Math.abs(after - lineStart) <= 1.5, `a transcript line seeks the video (${after.toFixed(1)} s for ${lineStart.toFixed(1)} s)`);
  check(page.url().includes(href.split('?')[1].split('&')[0]), 'the click stayed on the page (no reload)');

  // 3. The same journey with the keyboard only.
  await open(`${base}/`);
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.classList.contains('skip')), 'the first Tab reaches the skip link');
  await page.keyboard.press('Enter');
  let typed = false;
  for (let i = 0; i < 10 && !typed; i++) {
    await page.keyboard.press('Tab');
    typed = await page.evaluate(() => document.activeElement.id === 'q');
  }
  check(typed, 'the question box is reached by Tab');
  await page.keyboard.type('pourquoi le ciel est bleu');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  check(page.url().includes('/recherche'), 'Enter searches');
  // Tab to the first moment of a video past its start.
  let onMoment = false;
  for (let i = 0; i < 80 && !onMoment; i++) {
    await page.keyboard.press('Tab');
    onMoment = await page.evaluate(() => {
      const a = document.activeElement;
      if (!a.closest('.moments') || a.classList.contains('creer')) return false;
      const t = new URL(a.href).searchParams.get('t');
      return t !== null && Number(t) > 0;
    });
  }
  check(onMoment, 'a moment of a video is reached by Tab');
  const kbHref = await page.evaluate(() => document.activeElement.getAttribute('href'));
  const kbWanted = Number(new URL(kbHref, base).searchParams.get('t') || 0);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  if (await page.locator('#lecteur').count()) {
    const kt = await videoTime();
    check(Math.abs(kt - kbWanted) <= 1, `by keyboard, the player starts at the moment (${kt.toFixed(1)} s for ${kbWanted} s)`);
    let onLine = false;
    for (let i = 0; i < 40 && !onLine; i++) {
      await page.keyboard.press('Tab');
      onLine = await page.evaluate(() => !!document.activeElement.closest('#transcription'));
    }
    check(onLine, 'a transcript line is reached by Tab');
    const ks = Number(await page.evaluate(() => document.activeElement.closest('li').getAttribute('data-start')));
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    const kafter = await page.evaluate(() => document.getElementById('lecteur').currentTime);
    check(Math.abs(kafter - ks) <= 1.5, `Enter on a transcript line seeks (${kafter.toFixed(1)} s for ${ks.toFixed(1)} s)`);
  } else {
    check(false, 'by keyboard, the moment opens a player');
  }

  // 4. A document page, and the page of a missing content.
  await open(`${base}/recherche?q=atomes&kind=document`);
  const doc = page.locator('.carte .moments a:not(.creer)').first();
  if (await doc.count()) {
    forget();
    await Promise.all([page.waitForNavigation(), doc.click()]);
    await audit('document');
  }
  await open(`${base}/contenus/999999`);
  await audit('introuvable');

  // 5. The programme: from the home page to SVT cycle 4, its parts, a content.
  await open(`${base}/`);
  forget();
  await Promise.all([page.waitForNavigation(), page.click('text=Parcourir le programme')]);
  await audit('programme');
  const svt = page.locator('a:has-text("Sciences de la vie et de la Terre (cycle 4)")');
  check(await svt.count() === 1, 'the programme lists SVT cycle 4');
  forget();
  await Promise.all([page.waitForNavigation(), svt.click()]);
  const parts = await page.locator('#sous-notions ~ ul li, section[aria-labelledby=sous-notions] li').count();
  check(parts === 4, `SVT cycle 4 shows its three parts and its skills (${parts})`);
  const held = await page.locator('section[aria-labelledby=contenus-notion] li').count();
  check(held >= 5, `SVT cycle 4 lists its contents (${held})`);
  await audit('notion');
  const conceptUrl = page.url();

  // 6. The same pages on a 375x812 phone: nothing wider than the screen, a compact header.
  const phone = await auditedPage(await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true }), base, shotDir);
  for (const [name, url] of [['accueil-telephone', '/'],
    ['resultats-telephone', '/recherche?q=comment%20les%20plantes%20fabriquent%20leur%20mati%C3%A8re'],
    ['contenu-telephone', href], ['documents-telephone', '/recherche?q=atomes&kind=document'],
    ['notion-telephone', new URL(conceptUrl).pathname]]) {
    await phone.open(`${base}${url.startsWith('/') ? url : '/' + url}`);
    const over = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(over <= 0, `${name}: fits 375 px (${over} px over)`);
    const header = await phone.page.evaluate(() => document.querySelector('.bandeau').getBoundingClientRect().height);
    check(header <= 100, `${name}: a compact header (${header.toFixed(0)} px)`);
    await phone.audit(name);
  }
} catch (e) {
  check(false, `${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
console.log(`${tally.passed} passed, ${tally.failures} failed`);
process.exit(tally.failures ? 1 : 0);
