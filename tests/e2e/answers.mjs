// Answers from the library in a real browser, on the demo: a question gets the library's own
// sentences above its results, each cited at a moment that plays at the cited second; a
// question the library does not answer gets the abstention message; with a stand-in chat
// endpoint (an operator's model), the generated answer keeps only its cited, supported
// sentences and says it was generated, and the endpoint down gives the library's own again;
// every page audited by axe-core. Usage: node answers.mjs REPERE_BINARY DATA_DIR SCREENSHOT_DIR
import { createServer } from 'node:http';
import { auditedPage, check, freePort, launch, startServer, tally } from './lib.mjs';

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
    // The page seeks once the media's metadata is read: a loaded machine takes longer.
    await page.waitForFunction((w) => Math.abs(document.getElementById('lecteur').currentTime - w) <= 1,
                               wanted, { timeout: 5000 }).catch(() => {});
    const t = await page.evaluate(() => document.getElementById('lecteur').currentTime);
    check(Math.abs(t - wanted) <= 1, `quotation ${i + 1} plays at its second (${t.toFixed(1)} s for ${wanted} s)`);
    if (i === 0) await audit('reponse-moment');
    await page.goBack({ waitUntil: 'load' });
  }

  // 3. By keyboard: the first quotation's link is reached by Tab from the search box.
  await open(`${base}/recherche?q=${encodeURIComponent(QUESTION)}`);
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
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

// 6. An operator's model, stood in by a small server that speaks OpenAI's chat completions: it
// restates the first sentence of each passage it is given, citing it, and adds two sentences
// no passage says (one uncited, one citing passage 1).
const asked = [];
const standIn = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const request = JSON.parse(body);
    asked.push(request);
    const user = request.messages[1].content;
    const said = [];
    for (const m of user.matchAll(/^\[(\d+)\] « [^»]* » : (.*)$/gm)) {
      const first = m[2].match(/^.*?[.!?](?=\s|$)/);
      if (first) said.push(`${first[0].replace(/[.!?]$/, '')} [${m[1]}].`);
    }
    said.push('La lumière est faite de minuscules chats roses [1].');
    said.push('Les arcs-en-ciel se voient surtout le mardi.');
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: said.join(' ') } }] }));
  });
});
const standInPort = await freePort();
await new Promise((r) => standIn.listen(standInPort, '127.0.0.1', r));
const generating = await startServer(repere, dataDir, {
  REPERE_ANSWERS_GENERATION_ENDPOINT: `http://127.0.0.1:${standInPort}/v1`,
  REPERE_ANSWERS_GENERATION_MODEL: 'modele-e2e',
});
let browser2;
try {
  browser2 = await launch();
  const context = await browser2.newContext({ viewport: { width: 1100, height: 900 } });
  const { page, audit, open } = await auditedPage(context, generating.base, shotDir);
  await open(`${generating.base}/recherche?q=${encodeURIComponent(QUESTION)}`);
  await audit('reponse-generee');
  const block = page.locator('.reponse.generee');
  check(await block.count() === 1, 'with a model configured, the answer is the generated one');
  const label = (await block.locator('.avertissement-ia').textContent() || '').replace(/\s+/g, ' ');
  check(/Texte généré par le modèle modele-e2e@127\.0\.0\.1/.test(label), `the page says the text was generated, and by which model (« ${label.slice(0, 70)} »)`);
  const phrases = block.locator('.phrase');
  const kept = await phrases.count();
  const texts = [];
  for (let i = 0; i < kept; i++) texts.push((await phrases.nth(i).locator('p').textContent()).trim());
  for (const t of texts) console.log(`     généré : « ${t.slice(0, 90)} »`);
  check(kept >= 1 && texts.every((t) => !/chats roses|mardi/.test(t)), `only the supported sentences are kept (${kept}: none invented)`);
  let cited = 0;
  for (let i = 0; i < kept; i++) {
    const href = await phrases.nth(i).locator('footer a').getAttribute('href');
    if (/^\/contenus\/\d+/.test(href || '')) cited++;
  }
  check(cited === kept, `every generated sentence links to its source (${cited} of ${kept})`);
  check(/écartées/.test(await block.textContent()), 'the page says sentences were dropped');
  check(asked.length >= 1 && asked[0].model === 'modele-e2e' && /Extraits/.test(asked[0].messages[1].content),
        'the model was sent the question and the passages');
  const api = await (await fetch(`${generating.base}/api/v1/answer?q=${encodeURIComponent(QUESTION)}`)).json();
  check(api.method === 'generated' && api.model === `modele-e2e@127.0.0.1:${standInPort}` && api.dropped === 2
        && api.sentences.length === kept, `/api/v1/answer says generated, by which model, ${api.dropped} dropped`);
  const before = asked.length;
  await fetch(`${generating.base}/api/v1/answer?q=${encodeURIComponent('Qui était Louis XIV ?')}`);
  check(asked.length === before, 'a question the library does not answer asks no model');

  // The endpoint down: the library's own sentences, said so.
  await new Promise((r) => standIn.close(r));
  await open(`${generating.base}/recherche?q=${encodeURIComponent(QUESTION)}`);
  check(await page.locator('.reponse.generee').count() === 0 && await page.locator('.reponse blockquote').count() >= 2,
        'the endpoint down: the extractive answer, quoted');
  check(/n'a pas pu répondre/.test(await page.locator('.reponse').textContent()), 'the page says the model could not answer');
  await audit('reponse-sans-modele');
  const down = await (await fetch(`${generating.base}/api/v1/answer?q=${encodeURIComponent(QUESTION)}`)).json();
  check(down.method === 'extractive' && down.answered && /could not answer/.test(down.generation_problem || ''),
        '/api/v1/answer falls back to the extractive answer and says why');
} finally {
  if (browser2) await browser2.close();
  generating.server.kill('SIGTERM');
  standIn.close();
}
console.log(`${tally.passed} passed, ${tally.failures} failed`);
process.exit(tally.failures ? 1 : 0);
