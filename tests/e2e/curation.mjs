// Curation in a real browser (Debian's Chromium, playwright-core, axe-core), on a copy of the
// demo library:
// 1. a curator signs in with the keyboard only and uploads a short narrated video with its
//    subtitle file, whose line misspells the « microcline » (« microclyne »); it is a draft;
// 2. a teacher signs in with the mouse: the draft is not found (« Aucun résultat ») and its
//    page, media and captions answer 404;
// 3. the curator corrects the line in the browser (a revision is kept; search finds the
//    corrected word at once), finds the draft in « Gestion » and publishes it with Space and
//    Enter;
// 3. the teacher's search now finds it and the moment lands on the line's second;
// 4. an admin reads the audit log: the publication is there, with who did it.
// axe-core audits the login, management, content (curator), audit log and « Mes activités ».
// Usage: node curation.mjs REPERE_BINARY DEMO_DATA_DIR SCREENSHOT_DIR FIXTURES_DIR
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditedPage, check, launch, startServer, tabTo, tabToButton, tabToId, tally } from './lib.mjs';

const [repere, demoData, shotDir, fixtures] = process.argv.slice(2);
if (!repere || !demoData || !shotDir || !fixtures) {
  console.error('usage: node curation.mjs REPERE_BINARY DEMO_DATA_DIR SCREENSHOT_DIR FIXTURES_DIR');
  process.exit(2);
}

function run(args, input) {
  const r = spawnSync(repere, args, { input, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 4) throw new Error(`repere ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// The copy, its accounts and the draft.
const work = mkdtempSync(join(tmpdir(), 'repere-curation-'));
const data = join(work, 'data');
cpSync(demoData, data, { recursive: true });
rmSync(join(data, 'ingest.lock'), { force: true });
const password = 'un mot de passe de test';
for (const [login, role] of [['lea', 'teacher'], ['camille', 'curator'], ['root', 'admin']]) {
  run(['user', 'add', login, '--role', role, '--password-stdin', '--data', data], `${password}\n`);
}
copyFileSync(join(fixtures, 'lecture.mp4'), join(work, 'roches.mp4'));
writeFileSync(join(work, 'roches.srt'),
  '1\n00:00:01,000 --> 00:00:04,000\nBonjour à tous.\n\n2\n00:00:05,000 --> 00:00:09,000\n' +
  'Le microclyne est un feldspath des granites.\n');

const { base, server } = await startServer(repere, data);
let browser;
try {
  browser = await launch();
  const viewport = { viewport: { width: 1100, height: 900 } };

  async function signIn(t, login, keys) {
    await t.open(`${base}/connexion`);
    const page = t.page;
    if (keys) {
      await tabToId(page, 'identifiant');
      await page.keyboard.type(login);
      await page.keyboard.press('Tab');
      await page.keyboard.type(password);
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    } else {
      await page.fill('#identifiant', login);
      await page.fill('#mot-de-passe', password);
      await Promise.all([page.waitForNavigation(), page.click('form.formulaire button[type=submit]')]);
    }
    check(await page.locator('.compte .qui').count() === 1, `${login} is signed in (the header names them)`);
  }

  // 1. The curator, with the keyboard only, uploads the video and its subtitles.
  const curatorContext = await browser.newContext(viewport);
  const curator = await auditedPage(curatorContext, base, shotDir);
  await curator.open(`${base}/connexion`);
  await curator.audit('connexion');
  await signIn(curator, 'camille', true);
  await curator.open(`${base}/gestion/depot`);
  await curator.audit('depot');
  // (A file chooser is the system's: its files are given as a person would pick them.)
  await curator.page.setInputFiles('#fichiers', [join(work, 'roches.mp4'), join(work, 'roches.srt')]);
  await tabToButton(curator.page, 'Envoyer et lire les fichiers');
  curator.forget();
  await Promise.all([curator.page.waitForNavigation(), curator.page.keyboard.press('Enter')]);
  let progress = '';
  for (let i = 0; i < 120 && !/Terminé/.test(progress); i++) {
    await curator.page.waitForTimeout(500);
    await curator.open(`${base}/gestion/depot`);
    progress = await curator.page.locator('.envoi [role=status]').first().textContent();
  }
  check(/1 contenu\(s\) ajouté\(s\) en brouillon, 0 échec/.test(progress), `curator: the upload is read (« ${progress.trim()} »)`);
  await curator.audit('depot-termine');

  // 2. The teacher, with the mouse.
  const teacherContext = await browser.newContext(viewport);
  const teacher = await auditedPage(teacherContext, base, shotDir);
  await signIn(teacher, 'lea', false);
  await teacher.open(`${base}/recherche?q=microclyne`);
  check(await teacher.page.locator('text=Aucun résultat').count() > 0, 'teacher: the draft is not found');
  const listed = await (await fetch(`${base}/api/v1/search?q=microclyne&ratio=0`)).json();
  check(listed.total === 0, 'anonymous API: the draft is not found');
  const staffBefore = await (await curator.page.request.get(`${base}/api/v1/search?q=microclyne&ratio=0`)).json();
  check(staffBefore.total === 1, 'curator: her search finds the uploaded draft');

  // 3. The curator finds it in « Gestion », corrects it, publishes it.
  await curator.open(`${base}/gestion?etat=draft`);
  await curator.audit('gestion');
  const row = curator.page.locator('tr', { hasText: 'roches' });
  check(await row.count() === 1, 'curator: the draft is listed in « Gestion » with its status');
  const box = await row.locator('input[type=checkbox]').getAttribute('id');
  const id = box.replace('choix-', '');
  // Teacher: its page, media and captions are not there.
  for (const path of [`/contenus/${id}`, `/api/v1/media/${id}`, `/api/v1/contents/${id}`]) {
    const r = await teacher.page.request.get(`${base}${path}`);
    check(r.status() === 404, `teacher: ${path} answers 404 (${r.status()})`);
  }
  const tracks = (await (await curator.page.request.get(`${base}/api/v1/contents/${id}`)).json()).tracks;
  const vtt = await teacher.page.request.get(`${base}/api/v1/contents/${id}/tracks/${tracks[0].id}.vtt`);
  check(vtt.status() === 404, `teacher: the captions answer 404 (${vtt.status()})`);
  await curator.open(`${base}/contenus/${id}`);
  await curator.audit('contenu-conservateur');
  check(await curator.page.locator('.etat-contenu').count() === 1, 'curator: the content page shows its status');
  // The correction, by keyboard: line 2 says « microclyne ».
  await curator.open(`${base}/contenus/${id}/texte`);
  await curator.audit('texte');
  await tabToId(curator.page, 'texte-1');
  check((await curator.page.inputValue('#texte-1')).includes('microclyne'), 'curator: line 2 shows the misspelling');
  check(await curator.page.locator('fieldset.douteux .inconnus', { hasText: 'microclyne' }).count() === 1,
    'curator: the word the dictionary does not know is pointed out');
  await curator.page.keyboard.press('Control+A');
  await curator.page.keyboard.type('Le microcline est un feldspath des granites.');
  await tabToButton(curator.page, 'Enregistrer la correction');
  curator.forget();
  await Promise.all([curator.page.waitForNavigation(), curator.page.keyboard.press('Enter')]);
  const corrected = await curator.page.locator('.info').textContent();
  check(/1 ligne corrigée/.test(corrected), `curator: « ${corrected.trim()} »`);
  check(await curator.page.locator('text=Version 1').count() === 1, 'curator: the previous version is kept');
  const staffSearch = await (await curator.page.request.get(`${base}/api/v1/search?q=microcline&ratio=0`)).json();
  check(staffSearch.total === 1, 'curator: search finds the corrected word at once (the draft)');
  const publicSearch = await (await fetch(`${base}/api/v1/search?q=microcline&ratio=0`)).json();
  check(publicSearch.total === 0, 'anonymous: the corrected draft is still not found');
  const vttNow = await (await curator.page.request.get(`${base}/api/v1/contents/${id}/tracks/${tracks[0].id}.vtt`)).text();
  check(vttNow.includes('microcline') && !vttNow.includes('microclyne'), 'curator: the captions say the corrected word');
  await curator.open(`${base}/gestion/relecture`);
  await curator.audit('relecture');
  await curator.open(`${base}/gestion?etat=draft`);
  await tabToId(curator.page, box);
  await curator.page.keyboard.press('Space');
  check(await curator.page.locator(`#${box}`).isChecked(), 'curator: Space ticks the draft');
  await tabToButton(curator.page, 'Publier');
  curator.forget();
  await Promise.all([curator.page.waitForNavigation(), curator.page.keyboard.press('Enter')]);
  const done = await curator.page.locator('.info').textContent();
  check(/1 contenu publié/.test(done), `curator: « ${done.trim()} »`);

  // 3. The teacher finds it now, and lands on the line.
  await teacher.open(`${base}/recherche?q=microcline`);
  const card = teacher.page.locator('.carte', { hasText: 'roches' });
  check(await card.count() === 1, 'teacher: the published video is found');
  const href = await card.locator('.moments a:not(.creer)').first().getAttribute('href');
  check(/[?&]t=5\b/.test(href), `teacher: the moment starts at the line's second (${href})`);
  await teacher.open(`${base}/activites`);
  await teacher.audit('mes-activites');

  // 4. The admin reads who published it.
  const adminContext = await browser.newContext(viewport);
  const admin = await auditedPage(adminContext, base, shotDir);
  await signIn(admin, 'root', false);
  await admin.open(`${base}/gestion/journal`);
  await admin.audit('journal');
  const logged = admin.page.locator('tr', { hasText: `content:${id}` });
  check(await logged.count() >= 1 && /user:camille/.test(await logged.first().textContent()),
    'admin: the audit log says camille published it');
  // Signing out ends the session.
  teacher.forget();
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.click('.deconnexion button')]);
  const after = await teacher.page.request.get(`${base}/activites`, { maxRedirects: 0 });
  check(after.status() === 303, 'teacher: after « Se déconnecter », « Mes activités » asks to sign in');
} catch (e) {
  check(false, `the journey ran to its end (${e.message})`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
console.log(`${tally.passed} passed, ${tally.failures} failed`);
process.exit(tally.failures === 0 ? 0 : 1);
