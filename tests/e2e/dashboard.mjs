// A class's dashboard in a real browser: scripts/make-class-data makes 30 pupils with varied
// behaviour through the API; the dashboard flags exactly the pupils the script made struggle,
// each with its reasons, never words of failure; every chart is followed by a table of its
// figures (one row per bar); the most missed questions link to the moment to replay; the
// teacher turns the indicator off and on again by keyboard; axe-core on the page.
// Usage: node dashboard.mjs REPERE_BINARY DATA_DIR SCREENSHOT_DIR SOURCE_DIR
import { execFileSync } from 'node:child_process';
import { auditedPage, check, launch, startServer, tabTo, tally } from './lib.mjs';

const [repere, dataDir, shotDir, sourceDir] = process.argv.slice(2);
if (!repere || !dataDir || !shotDir || !sourceDir) {
  console.error('usage: node dashboard.mjs REPERE_BINARY DATA_DIR SCREENSHOT_DIR SOURCE_DIR');
  process.exit(2);
}

const { base, server } = await startServer(repere, dataDir);
let browser;
try {
  const made = JSON.parse(execFileSync('python3', [`${sourceDir}/scripts/make-class-data`, '--json', base],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  check(made.struggling.length === 6, `the script made 6 pupils struggle (${made.struggling.join(', ')})`);

  // The figures, as the API gives them.
  const api = await (await fetch(`${base}/api/v1/activities/${made.activity}/classes/${made.class_id}/dashboard?key=${made.key}`)).json();
  const flaggedApi = api.pupils.filter((p) => p.flagged).map((p) => p.pseudonym).sort();
  check(JSON.stringify(flaggedApi) === JSON.stringify([...made.struggling].sort()),
    `the API flags the struggling pupils and only them (${flaggedApi.join(', ')})`);
  check(api.summary.pupils === 30, `30 pupils in the summary (${api.summary.pupils})`);

  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const { page, audit, open, forget } = await auditedPage(context, base, shotDir);
  await open(made.dashboard);
  await audit('tableau-de-bord');

  const flagged = await page.evaluate(() => [...document.querySelectorAll('.signales > li')].map((li) => ({
    name: li.querySelector('strong').textContent,
    reasons: [...li.querySelectorAll('li')].map((r) => r.textContent),
  })));
  const names = flagged.map((f) => f.name).sort();
  check(JSON.stringify(names) === JSON.stringify([...made.struggling].sort()),
    `« Élèves à accompagner » lists exactly the struggling pupils (${names.join(', ')})`);
  check(flagged.every((f) => f.reasons.length >= 1), 'each flagged pupil shows the facts that flagged them');
  for (const f of flagged) console.log(`     ${f.name}: ${f.reasons.join(' ; ')}`);
  const text = await page.locator('main').innerText();
  check(!/échec|faible|mauvais/i.test(text), 'no word labels a pupil as failing');

  const charts = await page.evaluate(() => [...document.querySelectorAll('figure.graphique')].map((fig) => {
    const svg = fig.querySelector('svg');
    const table = fig.nextElementSibling;
    const titleId = svg.getAttribute('aria-labelledby');
    return {
      named: svg.getAttribute('role') === 'img' && !!document.getElementById(titleId) && document.getElementById(titleId).textContent.length > 0,
      bars: svg.querySelectorAll('rect.barre').length,
      table: table && table.tagName === 'TABLE',
      rows: table ? table.querySelectorAll('tbody tr').length : 0,
    };
  }));
  check(charts.length === 5, `five charts (${charts.length})`);
  check(charts.every((c) => c.named && c.table && c.rows >= c.bars && c.bars > 0),
    `each chart is a named image followed by a table of its figures (${charts.map((c) => `${c.bars}/${c.rows}`).join(' ')})`);

  const replay = page.locator('#manquees ~ ol a, section[aria-labelledby=manquees] ol a').first();
  check(await replay.count() === 1, 'a most-missed question offers its moment to replay');
  const href = await replay.getAttribute('href');
  check(/^\/contenus\/\d+\?t=\d+$/.test(href), `the replay link opens the video at a second (${href})`);
  const seconds = Number(href.split('t=')[1]);
  const missed = api.most_missed[0];
  check(seconds === Math.floor(missed.replay_ms / 1000), `the link's second is the API's (${seconds} s)`);

  // The teacher turns the indicator off, by keyboard, then on again.
  const reached = await tabTo(page, () => {
    const a = document.activeElement;
    return a && a.tagName === 'BUTTON' && a.textContent.includes('Ne plus signaler');
  }, undefined, 400);
  check(reached, 'the off switch is reached by Tab');
  forget();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  check(await page.locator('.signales > li').count() === 0, 'turned off: no pupil is flagged');
  check((await page.locator('main').innerText()).includes('Vous avez désactivé ce repère'), 'turned off: the page says so');
  const off = await (await fetch(`${base}/api/v1/activities/${made.activity}/classes/${made.class_id}/dashboard?key=${made.key}`)).json();
  check(off.insight === false && off.pupils.every((p) => p.flagged === undefined), 'turned off: the API flags no one');
  const again = await tabTo(page, () => {
    const a = document.activeElement;
    return a && a.tagName === 'BUTTON' && a.textContent.includes('Signaler à nouveau');
  }, undefined, 400);
  check(again, 'the on switch is reached by Tab');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  check(await page.locator('.signales > li').count() === 6, 'turned on again: the six pupils are back');

  // Without the edit key, nothing.
  const guess = await fetch(`${base}/activites/${made.activity}/tableau`);
  check(guess.status === 404, `without the key: 404 (${guess.status})`);
} catch (e) {
  check(false, `dashboard journey: ${e.message}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
console.log(`${tally.passed} passed, ${tally.failures} failed`);
process.exit(tally.failures ? 1 : 0);
