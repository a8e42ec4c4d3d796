// Answers from the library in a real browser, on the demo: a question gets the library's own
// sentences above its results, each cited at a moment that plays at the cited second; a
// question the library does not answer gets the abstention message; every page audited by
// axe-core. Usage: node answers.mjs REPERE_BINARY DATA_DIR SCREENSHOT_DIR
import { auditedPage, check, launch, startServer, tally } from './lib.mjs';

const [repere, dataDir, shotDir] = process.argv.slice(2);
if (!repere || !dataDir || !shotDir) {
  console.error('usage: node answers.mjs REPERE_BINARY DATA_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const QUESTION = process.env.REPERE_ANSWER_QUESTION || 'Comment la lumière se propage-t-elle ?';

const { base, server } = await startServer(repere, dataDir);
let browser;
try {
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const { page, audit, open, forget } = await auditedPage(context, base, shotDir);

  // 1. A question: the answer, its quotations, each with a link to where it is said.
  await open(`${base}/recherche?q=${encodeURIComponent(QUESTION)}`);
  await audit('reponse');
  const quotes = page.locator('.reponse blockquote');
  const n = await quotes.count();
  const cites = [];
  for (let i = 0; i < n; i++) {
    const a = quotes.nth(i).locator('footer a');
    cites.push({ href: await a.getAttribute('href'), footer: (await quotes.nth(i).locator('footer').textContent()).trim(),
                 text: (await quotes.nth(i).locator('p').textContent()).trim() });
  }
  for (const c of cites) console.log(`     « ${c.text.slice(0, 90)} » ${c.footer}`);
  const timed = cites.filter((c) => /[?&]t=\d+/.test(c.href) && /dit à \d/.test(c.footer));
  check(timed.length >= 2, `the answer cites two moments, each « dit à … » (${timed.length} of ${n})`);
  check(await page.locator('.reponse').getByText('aucune n\'est rédigée par une machine').count() === 1,
        'the answer says its sentences are the library\'s own');
  // The answer comes before the results.
  const order = await page.evaluate(() => {
    const r = document.querySelector('.reponse');
    const l = document.querySelector('.resultats');
    return r && l ? r.compareDocumentPosition(l) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
  });
  check(order !== 0, 'the answer is above the list of results');

  // 2. Each cited moment plays at its cited second (and the said time matches the link).
  for (const [i, c] of timed.slice(0, 2).entries()) {
    const wanted = Number(new URL(c.href, base).searchParams.get('t'));
    const [, mm, ss] = c.footer.match(/dit à (\d+):(\d\d)/) || [];
    check(Number(mm) * 60 + Number(ss) === wanted, `quotation ${i + 1}: « dit à ${mm}:${ss} » is the link's second (${wanted} s)`);
    forget();
    await page.goto(new URL(c.href, base).href, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const v = document.getElementById('lecteur');
      return v && v.readyState >= 1;
    }, null, { timeout: 15000 });
    await page.waitForTimeout(300);
    const t = await page.evaluate(() => document.getElementById('lecteur').currentTime);
    check(Math.abs(t - wanted) <= 1, `quotation ${i + 1} plays at its second (${t.toFixed(1)} s for ${wanted} s)`);
    if (i === 0) await audit('reponse-moment');
    await page.goBack({ waitUntil: 'load' });
  }

  // 3. By keyboard: the first quotation's link is reached by Tab from the search box.
  await open(`${base}/recherche?q=${encodeURIComponent(QUESTION)}`);
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => !!document.activeElement.closest('.reponse footer'));
  }
  check(reached, 'the cited source is reached by keyboard');

  // 4. A question the library does not answer: the abstention, no quotation.
  await open(`${base}/recherche?q=${encodeURIComponent('Qui était Louis XIV ?')}`);
  await audit('sans-reponse');
  check(await page.locator('.reponse').count() === 0, 'no answer for « Qui était Louis XIV ? »');
  check((await page.locator('.sans-reponse').textContent() || '').includes('Je n\'ai pas trouvé de réponse dans la médiathèque'),
        'the page says « Je n\'ai pas trouvé de réponse dans la médiathèque »');
  // Not a question: no answer block at all.
  await open(`${base}/recherche?q=${encodeURIComponent('photosynthèse')}`);
  check(await page.locator('.reponse, .sans-reponse').count() === 0, 'a query that is not a question gets results only');

  // 5. The API says the same.
  const api = await (await fetch(`${base}/api/v1/answer?q=${encodeURIComponent(QUESTION)}`)).json();
  check(api.answered && api.method === 'extractive' && api.sentences.length >= 2
        && api.sentences.every((s) => s.source && s.source.content_id > 0),
        `/api/v1/answer answers with cited sentences (${api.sentences.length})`);
  const none = await (await fetch(`${base}/api/v1/answer?q=${encodeURIComponent('Qui était Louis XIV ?')}`)).json();
  check(!none.answered && none.sentences.length === 0 && /Je n'ai pas trouvé/.test(none.reason),
        '/api/v1/answer abstains for an out-of-library question');
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
console.log(`${tally.passed} passed, ${tally.failures} failed`);
process.exit(tally.failures ? 1 : 0);
