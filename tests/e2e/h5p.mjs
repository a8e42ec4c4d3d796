// The H5P export played by a real H5P player: an activity with a chapter, a definition, a
// multiple choice, a true/false, a fill-in-the-blanks and an open question is made through the
// API on the demo library and exported (GET …/export.h5p); the libraries of
// hub-interactive-video-1.22.h5p and the exported content are served with npm h5p-standalone
// to Debian's Chromium, which plays the video: each interaction must appear at its time.
// Usage: node h5p.mjs REPERE_BINARY DATA_DIR HUB_H5P WORK_DIR SCREENSHOT_DIR
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize } from 'node:path';
import { check, launch, startServer, tally } from './lib.mjs';

const require = createRequire(import.meta.url);
const [repere, dataDir, hub, work, shotDir] = process.argv.slice(2);
if (!repere || !dataDir || !hub || !work || !shotDir) {
  console.error('usage: node h5p.mjs REPERE_BINARY DATA_DIR HUB_H5P WORK_DIR SCREENSHOT_DIR');
  process.exit(2);
}
const dist = dirname(require.resolve('h5p-standalone/dist/main.bundle.js'));
const unzip = (file, to) => execFileSync('python3', ['-m', 'zipfile', '-e', file, to]);

const { base, server } = await startServer(repere, dataDir);
let browser, files;
try {
  // 1. An activity on the photosynthesis video, exported.
  const found = await (await fetch(`${base}/api/v1/search?q=${encodeURIComponent('photosynthèse chlorophylle')}&kind=video&limit=1`)).json();
  const video = found.hits[0].content;
  const start = 20000, end = 50000;
  const at = { chapter: 21000, definition: 23000, choice: 26000, true_false: 29000, blanks: 32000, open: 35000 };
  const activity = {
    content_id: video.id, title: 'La photosynthèse (H5P)', start_ms: start, end_ms: end,
    interactions: [
      { type: 'chapter', at_ms: at.chapter, title: 'Les feuilles' },
      { type: 'definition', at_ms: at.definition, term: 'chlorophylle', definition: 'Pigment vert qui capte la lumière.' },
      { type: 'choice', at_ms: at.choice, question: 'Que capte la chlorophylle ?', wrong_goto_ms: 22000,
        choices: [{ text: 'La lumière', correct: true }, { text: 'Le sel', feedback: 'Non.' }] },
      { type: 'true_false', at_ms: at.true_false, question: 'La plante fabrique du glucose.', answer_true: true },
      { type: 'blanks', at_ms: at.blanks, text: 'La *chlorophylle* capte la *lumière/lumiere*.' },
      { type: 'open', at_ms: at.open, question: 'Où as-tu déjà vu des feuilles jaunir ?' },
    ],
  };
  const made = await fetch(`${base}/api/v1/activities`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(activity) });
  const created = await made.json();
  check(made.status === 201, `the activity is created (${made.status})`);
  const denied = await fetch(`${base}/api/v1/activities/${created.id}/export.h5p`);
  check(denied.status === 404, `without the edit key, no export (${denied.status})`);
  const exported = await fetch(`${base}/api/v1/activities/${created.id}/export.h5p`, { headers: { 'X-Edit-Key': created.edit_key } });
  check(exported.status === 200 && exported.headers.get('content-type') === 'application/zip', `the export answers a zip (${exported.status})`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'site'), { recursive: true });
  const pkg = join(work, 'activite.h5p');
  writeFileSync(pkg, Buffer.from(await exported.arrayBuffer()));

  // 2. The hub's libraries and our content, as h5p-standalone reads them.
  const site = join(work, 'site');
  unzip(hub, site);
  rmSync(join(site, 'content'), { recursive: true, force: true });
  unzip(pkg, site);
  check(existsSync(join(site, 'content', 'videos', 'extrait.mp4')), 'the package holds the clip');
  check(existsSync(join(site, 'content', 'videos', 'sous-titres.vtt')), 'the package holds the captions');
  writeFileSync(join(work, 'index.html'), `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>H5P</title>
<script src="/dist/main.bundle.js"></script></head><body><div id="h5p" style="width:900px"></div>
<script>new H5PStandalone.H5P(document.getElementById('h5p'), { h5pJsonPath: '/site', frameJs: '/dist/frame.bundle.js',
frameCss: '/dist/styles/h5p.css', librariesPath: '/site', contentJsonPath: '/site/content' });</script></body></html>`);
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.mp4': 'video/mp4', '.vtt': 'text/vtt', '.svg': 'image/svg+xml', '.woff': 'font/woff', '.ttf': 'font/ttf', '.png': 'image/png' };
  files = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = path.startsWith('/dist/') ? join(dist, path.slice(6)) : join(work, path === '/' ? 'index.html' : path);
    if (!file.startsWith(work) && !file.startsWith(dist)) { res.writeHead(403); return res.end(); }
    if (!existsSync(file) || !statSync(file).isFile()) { res.writeHead(404); return res.end(); }
    const size = statSync(file).size;
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range || '');
    const headers = { 'Content-Type': types[extname(file)] || 'application/octet-stream', 'Accept-Ranges': 'bytes' };
    if (range) {
      const from = Number(range[1]), to = range[2] ? Number(range[2]) : size - 1;
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${from}-${to}/${size}`, 'Content-Length': to - from + 1 });
      return createReadStream(file, { start: from, end: to }).pipe(res);
    }
    res.writeHead(200, { ...headers, 'Content-Length': size });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => files.listen(0, '127.0.0.1', r));
  const site_url = `http://127.0.0.1:${files.address().port}/`;

  // 3. Played in Chromium: each interaction shows at its time.
  browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(site_url);
  const frameHandle = await page.waitForSelector('iframe', { timeout: 20000 });
  const frame = await frameHandle.contentFrame();
  await frame.waitForFunction(() => window.H5P && H5P.instances && H5P.instances[0] && H5P.instances[0].video
    && H5P.instances[0].video.getDuration && H5P.instances[0].video.getDuration() > 0, null, { timeout: 30000 });
  const duration = await frame.evaluate(() => H5P.instances[0].video.getDuration());
  check(Math.abs(duration - (end - start) / 1000) < 1, `the clip lasts ${(end - start) / 1000} s (${duration.toFixed(2)} s)`);
  const listed = await frame.evaluate(() => H5P.instances[0].interactions.map((i) => ({ library: i.getLibraryName ? i.getLibraryName() : '', from: i.getDuration().from })));
  check(listed.length === 5, `the player holds the five interactions (${listed.map((i) => i.library).join(', ')})`);
  const bookmarks = await frame.evaluate(() => (H5P.instances[0].options.assets.bookmarks || []).map((b) => b.time));
  check(bookmarks.length === 1 && Math.abs(bookmarks[0] - (at.chapter - start) / 1000) < 0.01, 'the chapter is a bookmark at its time');
  // Play, and note when each interaction's element appears; the pauses are resumed at once.
  await frame.evaluate(() => {
    window.seen = {};
    const iv = H5P.instances[0];
    let last = -1, still = 0;
    iv.video.play();
    window.poll = setInterval(() => {
      const t = iv.video.getCurrentTime();
      iv.interactions.forEach((it, i) => {
        if (window.seen[i] === undefined && it.isVisible && it.isVisible()) window.seen[i] = t;
      });
      still = t === last ? still + 1 : 0;  // paused by an interaction: play on
      last = t;
      if (still >= 4 && t < iv.video.getDuration() - 0.5) iv.video.play();
    }, 50);
  });
  await frame.waitForFunction(() => Object.keys(window.seen).length >= 5 || H5P.instances[0].video.getCurrentTime() > 17, null, { timeout: 40000 }).catch(() => {});
  await page.screenshot({ path: `${shotDir}/h5p-standalone.png` });
  const seen = await frame.evaluate(() => window.seen);
  const expected = [at.definition, at.choice, at.true_false, at.blanks, at.open].map((t) => (t - start) / 1000);
  expected.forEach((t, i) => {
    const got = seen[i];
    check(got !== undefined && Math.abs(got - t) < 1, `${listed[i] ? listed[i].library : i} appears at ${t} s (${got === undefined ? 'never' : got.toFixed(2) + ' s'})`);
  });
  check(errors.length === 0, `no script error in the player (${errors.slice(0, 3).join(' | ')})`);
} catch (e) {
  check(false, `${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  if (files) files.close();
  server.kill('SIGTERM');
}
console.log(`${tally.passed} passed, ${tally.failures} failed`);
process.exit(tally.failures ? 1 : 0);
