// Reading aids in a real browser, on the demo, by keyboard only: the reading view (the
// OpenDyslexic font, larger spacing, one idea per line, line focus with the arrow keys) is
// switched on from the page's top, applies, and persists from page to page and after a new
// visit; a lecture's transcript is read aloud in French by a synthetic voice the page labels,
// its audio of the right length; axe-core on every page.
// Usage: node reading.mjs REPERE_BINARY DATA_DIR SCREENSHOT_DIR
import { auditedPage, check, launch, startServer, tabTo, tally } from './lib.mjs';

const [repere, dataDir, shotDir] = process.argv.slice(2);
if (!repere || !dataDir || !shotDir) {
  console.error('usage: node reading.mjs REPERE_BINARY DATA_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const { base, server } = await startServer(repere, dataDir);
let browser;
try {
  const contents = await (await fetch(`${base}/api/v1/contents?limit=100`)).json();
  const list = contents.contents || contents;
  const video = list.find((c) => c.kind === 'video' && c.duration_ms > 60000);
  const pdf = list.find((c) => c.kind === 'document');
  check(!!video && !!pdf, 'the demo has a lecture and a document');

  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const { page, audit, open, forget } = await auditedPage(context, base, shotDir);

  // 1. The lecture's page, standard view; the switch reached by Tab and pressed with Enter.
  await open(`${base}/contenus/${video.id}`);
  check(!(await page.evaluate(() => document.body.classList.contains('lecture-adaptee'))), 'the standard view first');
  const reached = await tabTo(page, () => {
    const a = document.activeElement;
    return a && a.tagName === 'BUTTON' && a.textContent.trim() === 'Affichage adapté à la lecture';
  });
  check(reached, 'the reading view\'s switch is reached by Tab');
  forget();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  await page.evaluate(() => document.fonts.ready);
  const look = await page.evaluate(() => {
    const s = getComputedStyle(document.querySelector('main'));
    return { on: document.body.classList.contains('lecture-adaptee'), family: s.fontFamily,
             spacing: parseFloat(s.letterSpacing), line: parseFloat(s.lineHeight) / parseFloat(s.fontSize),
             loaded: document.fonts.check('16px OpenDyslexic'),
             pressed: document.querySelector('.affichage button').getAttribute('aria-pressed') };
  });
  check(look.on && look.pressed === 'true', 'the reading view applies, its switch says it is on');
  check(/OpenDyslexic/.test(look.family) && look.loaded, `the dyslexia-friendly font is used and loaded (${look.family})`);
  check(look.spacing > 0 && look.line >= 1.8, `larger spacing (letters ${look.spacing}px, lines ×${look.line.toFixed(2)})`);
  await audit('lecture-adaptee-video');

  // 2. Line focus: Tab to the transcript's first line, the arrow keys walk the lines.
  const onLine = await tabTo(page, () => document.activeElement && document.activeElement.matches('.lignes > li'));
  check(onLine, 'the transcript\'s first line is reached by Tab');
  const first = await page.evaluate(() => document.activeElement.dataset.start);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const walked = await page.evaluate(() => {
    const a = document.activeElement;
    const lines = [...document.querySelectorAll('.lignes > li')];
    return { index: lines.indexOf(a), background: getComputedStyle(a).backgroundColor };
  });
  check(walked.index === 2 && walked.background !== 'rgba(0, 0, 0, 0)',
        `ArrowDown moves the focus line by line, highlighted (line ${walked.index + 1}, ${walked.background}, from ${first} s)`);

  // 3. Read aloud: the details opened by keyboard, the audio of the transcript, French, labelled.
  const toSummary = await tabTo(page, () => document.activeElement && document.activeElement.matches('.ecouter summary'));
  check(toSummary, '« Écouter la transcription » is reached by Tab');
  const label = await page.evaluate(() => document.activeElement.textContent.replace(/\s+/g, ' ').trim());
  check(/voix de synthèse/.test(label), `the voice is labelled synthetic (« ${label} »)`);
  await page.keyboard.press('Enter');
  const src = await page.evaluate(() => {
    const d = document.querySelector('.ecouter');
    const a = d.querySelector('audio');
    return d.open && a ? a.getAttribute('src') : null;
  });
  check(!!src, 'the audio player shows');
  const audio = await fetch(new URL(src, base));
  const bytes = (await audio.arrayBuffer()).byteLength;
  check(audio.status === 200 && audio.headers.get('content-type') === 'audio/ogg' && audio.headers.get('content-language') === 'fr',
        `the transcript read aloud is French audio (${bytes} bytes)`);
  const duration = await page.evaluate(async () => {
    const a = document.querySelector('.ecouter audio');
    a.preload = 'metadata';
    a.load();
    await new Promise((r) => { a.addEventListener('loadedmetadata', r, { once: true }); setTimeout(r, 10000); });
    return a.duration;
  });
  const said = await page.evaluate(() => [...document.querySelectorAll('.lignes > li span')].map((s) => s.textContent).join(' '));
  const words = said.split(/\s+/).filter(Boolean).length;
  const expected = (words * 60) / 150;
  check(duration > expected * 0.6 && duration < expected * 1.6,
        `its length fits the words (${duration.toFixed(1)} s for ${words} words, ${expected.toFixed(1)} s at 150 a minute)`);

  // 4. It persists: another page, then a new visit in the same browser.
  await open(`${base}/contenus/${pdf.id}`);
  const pdfView = await page.evaluate(() => ({
    on: document.body.classList.contains('lecture-adaptee'),
    ideas: document.querySelectorAll('.texte-page .idee').length,
    block: document.querySelector('.texte-page .idee') ? getComputedStyle(document.querySelector('.texte-page .idee')).display : '',
    voice: !!document.querySelector('.page-doc .ecouter audio'),
  }));
  check(pdfView.on && pdfView.ideas > 1 && pdfView.block === 'block', `on a document too: one idea per line (${pdfView.ideas} sentences)`);
  check(pdfView.voice, 'a document\'s page can be read aloud');
  await audit('lecture-adaptee-document');
  const again = await context.newPage();
  await again.goto(`${base}/`, { waitUntil: 'load' });
  check(await again.evaluate(() => document.body.classList.contains('lecture-adaptee')), 'a new visit keeps the reading view');
  await again.close();

  // 5. Off again, by keyboard.
  await open(`${base}/`);
  const back = await tabTo(page, () => {
    const a = document.activeElement;
    return a && a.tagName === 'BUTTON' && a.getAttribute('aria-pressed') === 'true';
  });
  check(back, 'the switch (on) is reached by Tab');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  check(!(await page.evaluate(() => document.body.classList.contains('lecture-adaptee'))), 'the standard view again');
  await audit('lecture-standard');
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
console.log(`${tally.passed} passed, ${tally.failures} failed`);
process.exit(tally.failures ? 1 : 0);
