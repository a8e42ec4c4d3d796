// Curation in a real browser (Debian's Chromium, playwright-core, axe-core), on a copy of the
// demo library, twice: once the curator works with the keyboard only and the teacher with the
// mouse, once the other way round.
// 1. The curator signs in and uploads a short narrated video with its subtitle file, whose
//    line misspells a word (« microclyne »); it is a draft.
// 2. The teacher signs in: the draft is not found (« Aucun résultat »), and its page, media
//    and captions answer 404.
// 3. The curator corrects the line in the browser (a revision is kept, the unknown word is
//    pointed out; search finds the corrected word at once, for her only), finds the draft in
//    « Gestion » and publishes it.
// 4. The teacher's search now finds it, and the moment lands on the line's second.
// 5. An admin reads in the audit log who published it; signing out ends a session.
// 3b. From the review queue, the curator opens a content with programme suggestions (labelled
//    as a machine's) and confirms one, by keyboard or by mouse.
// axe-core audits the login, upload, management, content (curator, with and without
// suggestions), correction, review queue, audit log and « Mes activités » pages.
// Usage: node curation.mjs REPERE_BINARY DEMO_DATA_DIR SCREENSHOT_DIR FIXTURES_DIR
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditedPage, check, launch, startServer, tabToButton, tabToId, tally, copyWithAccounts, signIn as signInAs } from './lib.mjs';

const [repere, demoData, shotDir, fixtures] = process.argv.slice(2);
if (!repere || !demoData || !shotDir || !fixtures) {
  console.error('usage: node curation.mjs REPERE_BINARY DEMO_DATA_DIR SCREENSHOT_DIR FIXTURES_DIR');
  process.exit(2);
}

const password = 'un mot de passe de test';
const { work, data } = copyWithAccounts(repere, demoData, 'repere-curation-', [['lea', 'teacher'], ['camille', 'curator'], ['root', 'admin']], password);

const { base, server } = await startServer(repere, data);
let browser;
try {
  browser = await launch();
  const viewport = { viewport: { width: 1100, height: 900 } };

  const signIn = (t, login, keys) => signInAs(t, base, login, password, keys);

  // Presses a button: by Tab and Enter, or with the mouse.
  async function press(t, keys, text) {
    t.forget();
    if (keys) {
      await tabToButton(t.page, text);
      await Promise.all([t.page.waitForNavigation(), t.page.keyboard.press('Enter')]);
    } else {
      await Promise.all([t.page.waitForNavigation(), t.page.getByRole('button', { name: text, exact: true }).click()]);
    }
  }

  // One journey. `curatorKeys`: the curator uses the keyboard only (the teacher the mouse), or
  // the other way round. `audits`: photograph and audit the pages (the first run).
  async function journey({ curatorKeys, video, file, wrong, right, audits }) {
    const how = curatorKeys ? 'keyboard' : 'mouse';
    const teacherKeys = !curatorKeys;
    copyFileSync(join(fixtures, video), join(work, `${file}.mp4`));
    writeFileSync(join(work, `${file}.srt`),
      '1\n00:00:01,000 --> 00:00:04,000\nBonjour à tous.\n\n2\n00:00:05,000 --> 00:00:09,000\n' +
      `Le ${wrong} est un minéral des granites.\n`);

    // 1. Upload.
    const curator = await auditedPage(await browser.newContext(viewport), base, shotDir);
    if (audits) {
      await curator.open(`${base}/connexion`);
      await curator.audit('connexion');
    }
    await signIn(curator, 'camille', curatorKeys);
    await curator.open(`${base}/gestion/depot`);
    if (audits) await curator.audit('depot');
    // (A file chooser is the system's: its files are given as a person would pick them.)
    await curator.page.setInputFiles('#fichiers', [join(work, `${file}.mp4`), join(work, `${file}.srt`)]);
    await press(curator, curatorKeys, 'Envoyer et lire les fichiers');
    let progress = '';
    for (let i = 0; i < 120 && !/Terminé/.test(progress); i++) {
      await curator.page.waitForTimeout(500);
      await curator.open(`${base}/gestion/depot`);
      progress = await curator.page.locator('.envoi [role=status]').first().textContent();
    }
    check(/1 contenu\(s\) ajouté\(s\) en brouillon, 0 échec/.test(progress),
      `${how}: the upload is read (« ${progress.trim()} »)`);
    if (audits) await curator.audit('depot-termine');

    // 2. The teacher does not find the draft.
    const teacher = await auditedPage(await browser.newContext(viewport), base, shotDir);
    await signIn(teacher, 'lea', teacherKeys);
    async function teacherSearch(q) {
      await teacher.open(`${base}/`);
      if (teacherKeys) {
        await tabToId(teacher.page, 'q-bandeau');
        await teacher.page.keyboard.type(q);
        await Promise.all([teacher.page.waitForNavigation(), teacher.page.keyboard.press('Enter')]);
      } else {
        await teacher.page.fill('#q', q);
        await Promise.all([teacher.page.waitForNavigation(), teacher.page.click('.recherche-principale button[type=submit]')]);
      }
    }
    await teacherSearch(wrong);
    check(await teacher.page.locator('text=Aucun résultat').count() > 0, `${how}: the teacher does not find the draft`);
    const anonymous = await (await fetch(`${base}/api/v1/search?q=${wrong}&ratio=0`)).json();
    check(anonymous.total === 0, `${how}: anonymous API calls do not find the draft`);
    const mine = await (await curator.page.request.get(`${base}/api/v1/search?q=${wrong}&ratio=0`)).json();
    check(mine.total === 1, `${how}: the curator's search finds her draft`);

    // 3. The curator finds it, checks it is hidden, corrects it.
    await curator.open(`${base}/gestion?etat=draft`);
    if (audits) await curator.audit('gestion');
    const row = curator.page.locator('tr', { hasText: file });
    check(await row.count() === 1, `${how}: the draft is listed in « Gestion » with its status`);
    const box = await row.locator('input[type=checkbox]').getAttribute('id');
    const id = box.replace('choix-', '');
    for (const path of [`/contenus/${id}`, `/api/v1/media/${id}`, `/api/v1/contents/${id}`]) {
      const r = await teacher.page.request.get(`${base}${path}`);
      check(r.status() === 404, `${how}: for the teacher ${path} answers 404 (${r.status()})`);
    }
    const tracks = (await (await curator.page.request.get(`${base}/api/v1/contents/${id}`)).json()).tracks;
    const vttPath = `/api/v1/contents/${id}/tracks/${tracks[0].id}.vtt`;
    const vtt = await teacher.page.request.get(`${base}${vttPath}`);
    check(vtt.status() === 404, `${how}: for the teacher the captions answer 404 (${vtt.status()})`);
    await curator.open(`${base}/contenus/${id}`);
    if (audits) await curator.audit('contenu-conservateur');
    check(await curator.page.locator('.etat-contenu').count() === 1, `${how}: the content page shows its status`);
    await curator.open(`${base}/contenus/${id}/texte`);
    if (audits) await curator.audit('texte');
    check((await curator.page.inputValue('#texte-1')).includes(wrong), `${how}: line 2 shows the misspelling`);
    check(await curator.page.locator('fieldset.douteux .inconnus', { hasText: wrong }).count() === 1,
      `${how}: the word the dictionary does not know is pointed out`);
    const fixed = `Le ${right} est un minéral des granites.`;
    if (curatorKeys) {
      await tabToId(curator.page, 'texte-1');
      await curator.page.keyboard.press('Control+A');
      await curator.page.keyboard.type(fixed);
    } else {
      await curator.page.fill('#texte-1', fixed);
    }
    await press(curator, curatorKeys, 'Enregistrer la correction');
    const corrected = await curator.page.locator('.info').textContent();
    check(/1 ligne corrigée/.test(corrected), `${how}: « ${corrected.trim()} »`);
    check(await curator.page.locator('text=Version 1').count() === 1, `${how}: the previous version is kept`);
    const staff = await (await curator.page.request.get(`${base}/api/v1/search?q=${right}&ratio=0`)).json();
    check(staff.total === 1, `${how}: the curator's search finds the corrected word at once`);
    const hidden = await (await fetch(`${base}/api/v1/search?q=${right}&ratio=0`)).json();
    check(hidden.total === 0, `${how}: the corrected draft is still hidden from the public`);
    const vttNow = await (await curator.page.request.get(`${base}${vttPath}`)).text();
    check(vttNow.includes(right) && !vttNow.includes(wrong), `${how}: the captions say the corrected word`);
    // The programme parts a machine suggested: from the review queue to a content, confirmed.
    await curator.open(`${base}/gestion/relecture`);
    if (audits) await curator.audit('relecture');
    const waiting = curator.page.locator('section#notions-a-confirmer a, h2#notions ~ table a').first();
    check(await waiting.count() === 1, `${how}: the review queue lists contents with suggestions`);
    curator.forget();
    await Promise.all([curator.page.waitForNavigation(), waiting.click()]);
    const suggestion = curator.page.locator('#programme form:has(button[value=confirmer])').first();
    const uri = await suggestion.locator('input[name=notion]').getAttribute('value');
    check(await curator.page.locator('#programme h3', { hasText: 'Suggestions automatiques' }).count() === 1,
      `${how}: the suggestions are labelled as a machine's`);
    if (audits) await curator.audit('contenu-suggestions');
    curator.forget();
    if (curatorKeys) {
      await tabToButton(curator.page, 'Confirmer');
      await Promise.all([curator.page.waitForNavigation(), curator.page.keyboard.press('Enter')]);
    } else {
      await Promise.all([curator.page.waitForNavigation(), suggestion.locator('button[value=confirmer]').click()]);
    }
    const said = await curator.page.locator('.etat-contenu [role=status]').first().textContent();
    check(/est confirmée/.test(said), `${how}: « ${said.trim()} »`);
    check(await curator.page.locator(`#programme ul.notions:first-of-type input[value="${uri}"]`).count() === 1,
      `${how}: the confirmed part is listed with « Retirer »`);
    // Publishes it from « Gestion ».
    await curator.open(`${base}/gestion?etat=draft`);
    if (curatorKeys) {
      await tabToId(curator.page, box);
      await curator.page.keyboard.press('Space');
    } else {
      await curator.page.check(`#${box}`);
    }
    check(await curator.page.locator(`#${box}`).isChecked(), `${how}: the draft is ticked`);
    await press(curator, curatorKeys, 'Publier');
    const done = await curator.page.locator('.info').textContent();
    check(/1 contenu publié/.test(done), `${how}: « ${done.trim()} »`);

    // 4. The teacher finds it now, and lands on the line.
    await teacherSearch(right);
    const card = teacher.page.locator('.carte', { hasText: file });
    check(await card.count() === 1, `${how}: the teacher finds the published video`);
    const href = await card.locator('.moments a:not(.creer)').first().getAttribute('href');
    check(/[?&]t=5\b/.test(href), `${how}: the moment starts at the line's second (${href})`);
    if (audits) {
      await teacher.open(`${base}/activites`);
      await teacher.audit('mes-activites');
    }
    return { id, teacher };
  }

  const first = await journey({ curatorKeys: true, video: 'lecture.mp4', file: 'roches', wrong: 'microclyne', right: 'microcline', audits: true });
  const second = await journey({ curatorKeys: false, video: 'no-subtitles.mp4', file: 'mineraux', wrong: 'orthoze', right: 'orthose', audits: false });

  // 5. The admin reads who published them.
  const admin = await auditedPage(await browser.newContext(viewport), base, shotDir);
  await signIn(admin, 'root', false);
  await admin.open(`${base}/gestion/journal`);
  await admin.audit('journal');
  for (const { id } of [first, second]) {
    const logged = admin.page.locator('tr', { hasText: `content:${id}` });
    check(await logged.count() >= 1 && /user:camille/.test(await logged.first().textContent()),
      `admin: the audit log says camille published and corrected content ${id}`);
  }
  // Signing out ends the session.
  const teacher = second.teacher;
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
