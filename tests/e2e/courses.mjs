// Courses in a real browser (Debian's Chromium, playwright-core, axe-core), on a copy of the
// demo library:
// 1. with the mouse, a curator opens « Alimentation et digestion » in the programme, makes a
//    course on it, adds a text, a moment found by search (« Ajouter au cours »), a key idea and
//    a question, publishes it and marks it « cours type »;
// 2. with the keyboard only, then again with the mouse, a teacher browses SVT › Le corps humain et la santé › Alimentation
//    et digestion, opens the model course, duplicates it, replaces its moment by another found
//    by search (added, moved up, the old one removed), and reads her copy as a pupil would,
//    answering its question; the model is unchanged;
//    then makes a second chapter, moves the question into it, publishes and shares it with a
//    class; a pupil on a phone joins with a pseudonym, goes through the two chapters, answers
//    the question; the teacher sees the progress;
// 2b. the demo's own model with an interactive video: copied, shared, opened by a pupil in its
//    own player and back, its column in the progress;
// 3. the model course as anyone reads it, on a 375x812 phone: nothing wider than the screen.
// axe-core audits the concept, « Mes cours », editor, « Ajouter au cours », course, printed
// course, pupil and progress pages; « Mes cours », the editor and the progress on a phone too.
// Usage: node courses.mjs REPERE_BINARY DEMO_DATA_DIR SCREENSHOT_DIR
import { rmSync } from 'node:fs';
import { auditedPage, check, launch, startServer, tabTo, tabToButton, tabToId, tally, copyWithAccounts, signIn as signInAs } from './lib.mjs';

const [repere, demoData, shotDir] = process.argv.slice(2);
if (!repere || !demoData || !shotDir) {
  console.error('usage: node courses.mjs REPERE_BINARY DEMO_DATA_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const password = 'un mot de passe de test';
const { work, data } = copyWithAccounts(repere, demoData, 'repere-courses-', [['lea', 'teacher'], ['marc', 'teacher'], ['camille', 'curator']], password);

const { base, server } = await startServer(repere, data);
let browser;
try {
  browser = await launch();
  const viewport = { viewport: { width: 1100, height: 900 } };

  const signIn = (t, login, keys) => signInAs(t, base, login, password, keys);
  // Follows a link or presses a button by its text: Tab then Enter, or a click.
  async function go(t, keys, text, kind = 'link') {
    t.forget();
    if (keys) {
      await tabToButton(t.page, text);
      await Promise.all([t.page.waitForNavigation(), t.page.keyboard.press('Enter')]);
    } else {
      const link = t.page.getByRole('link', { name: text, exact: true });
      const target = kind === 'link' && (await link.count()) > 0 ? link
        : t.page.getByRole('button', { name: text, exact: true });
      await Promise.all([t.page.waitForNavigation(), target.first().click()]);
    }
  }
  async function info(t) {
    const el = t.page.locator('.info[role=status]');
    return (await el.count()) ? (await el.first().textContent()).trim() : '';
  }
  async function blocks(t) {
    return t.page.locator('ol.blocs li').evaluateAll((ls) => ls.map((l) => l.querySelector('strong').textContent + ' ' + l.textContent));
  }

  // ---- 1. The curator makes the model course, with the mouse.
  const curator = await auditedPage(await browser.newContext(viewport), base, shotDir);
  await signIn(curator, 'camille', false);
  await curator.open(`${base}/programme`);
  await go(curator, false, 'Sciences de la vie et de la Terre (cycle 4)');
  await go(curator, false, 'Le corps humain et la santé');
  await go(curator, false, 'Alimentation et digestion');
  const conceptUrl = curator.page.url();
  await curator.audit('notion-cours');
  await go(curator, false, 'Créer un cours sur cette notion', 'button');
  check(/Cours créé/.test(await info(curator)), `curator: « ${await info(curator)} »`);
  const editorUrl = curator.page.url().split('?')[0];
  const courseId = editorUrl.match(/\/cours\/(\d+)\//)[1];
  async function addBlock(t, fields) {
    const chapter = t.page.locator('section.chapitre-editeur').first();
    await chapter.locator('details.ajout-bloc summary').click();
    for (const [name, value] of Object.entries(fields)) {
      const el = chapter.locator(`[name=${name}]`);
      if (name === 'type') await el.selectOption(value); else await el.fill(value);
    }
    t.forget();
    await Promise.all([t.page.waitForNavigation(), chapter.locator('button', { hasText: 'Ajouter le bloc' }).click()]);
    return info(t);
  }
  check(/Bloc ajouté/.test(await addBlock(curator, { type: 'text', texte: 'La **digestion** transforme les aliments en *nutriments*.' })),
    'curator: a text block is added');
  // A moment from search.
  await curator.open(`${base}/recherche?q=${encodeURIComponent('le trajet des aliments dans le tube digestif')}`);
  // The first moment of a video (its link carries a time), not a page of a handout.
  const add = curator.page.locator('a[href*="/cours/ajouter"][href*="&t="]').first();
  check(await add.count() === 1, 'curator: a moment offers « Ajouter au cours »');
  curator.forget();
  await Promise.all([curator.page.waitForNavigation(), add.click()]);
  await curator.audit('cours-ajouter');
  await curator.page.selectOption('#cours', courseId);
  await go(curator, false, 'Ajouter', 'button');
  check(/ajouté au cours/.test(await info(curator)), `curator: « ${await info(curator)} »`);
  check(/Idée|Bloc/.test(await addBlock(curator, { type: 'key_idea', texte: 'La digestion transforme les aliments en nutriments qui passent dans le sang.' })), 'curator: a key idea is added');
  check(/Bloc ajouté/.test(await addBlock(curator, { type: 'quiz', question: 'Où commence la digestion ?', choix: '*Dans la bouche\nDans le cœur\nDans les poumons' })), 'curator: a question is added');
  const made = await blocks(curator);
  check(made.length === 4 && made[1].startsWith('Moment'), `curator: four blocks, the moment second (${made.length})`);
  await curator.page.fill('#titre', 'La digestion pas à pas');  // the demo has its own model on it
  await curator.page.check('#etat-publie');
  await curator.page.check('#type');
  await go(curator, false, 'Enregistrer', 'button');
  check(/publié/.test(await info(curator)), `curator: « ${await info(curator)} »`);
  await curator.audit('cours-editeur');

  // ---- 2. A teacher, by keyboard only (`keys`) or by mouse: the programme, the model, her copy.
  // Returns her copy's editor.
  async function teacherJourney({ login, keys, pupilName, audits }) {
  const how = keys ? 'keyboard' : 'mouse';
  const teacher = await auditedPage(await browser.newContext(viewport), base, shotDir);
  const audit = async (name) => { if (audits) await teacher.audit(name); };
  await signIn(teacher, login, keys);
  await teacher.open(`${base}/programme`);
  await go(teacher, keys, 'Sciences de la vie et de la Terre (cycle 4)');
  await go(teacher, keys, 'Le corps humain et la santé');
  await go(teacher, keys, 'Alimentation et digestion');
  check(teacher.page.url() === conceptUrl, `${how}: the concept page`);
  const listed = teacher.page.locator('section[aria-labelledby=cours-notion] li', { hasText: 'cours type' });
  check(await listed.count() === 2, `${how}: the concept lists its model courses, the demo's and the curator's (${await listed.count()})`);
  await go(teacher, keys, 'La digestion pas à pas');
  check(/\/cours\/\d+$/.test(teacher.page.url()), `${how}: the model course opens (${teacher.page.url()})`);
  await audit('cours');
  // For Moodle: the course as an IMS Common Cartridge.
  const exportLink = teacher.page.getByRole('link', { name: 'Exporter pour Moodle (Common Cartridge)' });
  check(await exportLink.count() === 1, `${how}: the course offers its Common Cartridge`);
  const cartridge = await teacher.page.request.get(new URL(await exportLink.getAttribute('href'), base).href);
  const bytes = Buffer.from(await cartridge.body());
  check(cartridge.status() === 200 && bytes.subarray(0, 2).toString() === 'PK' && bytes.includes(Buffer.from('imsmanifest.xml')),
    `${how}: the cartridge is a zip with its imsmanifest.xml (${cartridge.status()}, ${bytes.length} B)`);
  await go(teacher, keys, 'Dupliquer ce cours pour ma classe');
  check(/Votre copie/.test(await info(teacher)), `${how}: « ${await info(teacher)} »`);
  const copyEditor = teacher.page.url().split('?')[0];
  check(!copyEditor.includes(`/cours/${courseId}/`), `${how}: the copy is another course`);
  // Another moment, found by search, added, moved up twice (before the old one), the old removed.
  await teacher.open(`${base}/recherche?q=${encodeURIComponent('le cœur pompe le sang dans les artères')}`);
  teacher.forget();
  if (keys) {
    await tabTo(teacher.page, () => {
      const a = document.activeElement;
      return a && a.textContent.trim() === 'Ajouter au cours' && a.href.includes('&t=');
    });
    await Promise.all([teacher.page.waitForNavigation(), teacher.page.keyboard.press('Enter')]);
  } else {
    await Promise.all([teacher.page.waitForNavigation(), teacher.page.locator('a[href*="/cours/ajouter"][href*="&t="]').first().click()]);
  }
  check(await teacher.page.locator('#cours option').first().textContent() !== 'Un nouveau cours…', `${how}: her copy is offered first`);
  await go(teacher, keys, 'Ajouter');
  check(/ajouté au cours/.test(await info(teacher)), `${how}: « ${await info(teacher)} »`);
  let order = await blocks(teacher);
  check(order.length === 5 && order[4].startsWith('Moment'), `${how}: the new moment is last (${order.length})`);
  const newest = await teacher.page.locator('ol.blocs li').last().getAttribute('id');
  for (let i = 0; i < 3; i++) await pressIn(teacher, keys, `#${newest}`, 'Monter');
  order = await blocks(teacher);
  check(order[1].startsWith('Moment') && order[2].startsWith('Moment'), `${how}: the new moment moved up, next to the old one`);
  const oldId = await teacher.page.locator('ol.blocs li').nth(2).getAttribute('id');
  await pressIn(teacher, keys, `#${oldId}`, 'Supprimer');
  order = await blocks(teacher);
  check(order.length === 4 && order.filter((b) => b.startsWith('Moment')).length === 1, `${how}: the old moment is replaced`);
  await teacher.open(`${base}/cours`);
  await audit('mes-cours');
  check(await teacher.page.locator('a', { hasText: '(copie)' }).count() === 1, `${how}: « Mes cours » lists her copy`);
  // Her copy as a pupil reads it: the question answered by keyboard.
  await teacher.open(copyEditor.replace('/modifier', ''));
  check(await teacher.page.locator('.bloc-moment video').count() === 1, `${how}: the copy plays its moment`);
  check(await teacher.page.locator('.idee-cle').count() === 1, `${how}: the key idea is shown`);
  if (keys) {
    await tabTo(teacher.page, () => document.activeElement && document.activeElement.type === 'radio');
    await teacher.page.keyboard.press('Space');
  } else {
    await teacher.page.check('input[name=choix][value="0"]');
  }
  await go(teacher, keys, 'Vérifier');
  const verdict = await teacher.page.locator('.verdict').textContent();
  check(/Juste/.test(verdict), `${how}: the question answered (« ${verdict.trim()} »)`);
  // On paper: the key ideas first, the extracts, the question with boxes to tick.
  await teacher.open(copyEditor.replace('/modifier', '/imprimer'));
  check(/nutriments qui passent dans le sang/.test(await teacher.page.locator('.a-retenir').textContent()),
    `${how}: the printed course gathers its key ideas`);
  check(await teacher.page.locator('.question-papier', { hasText: '☐ Dans la bouche' }).count() === 1,
    `${how}: the printed question has boxes to tick`);
  check(await teacher.page.locator('blockquote.extrait-moment').count() >= 1, `${how}: the moment is printed as its lines`);
  await audit('cours-imprimer');
  // Two chapters: a new one, the question moved down into it (past its chapter's end), by
  // keyboard; published; shared with a class.
  await teacher.open(copyEditor);
  await type(teacher, keys, 'nouveau-chapitre', 'Vérifier ce que tu sais', 'Ajouter le chapitre');
  const quizId = await teacher.page.locator('ol.blocs li', { hasText: 'Question' }).first().getAttribute('id');
  await pressIn(teacher, keys, `#${quizId}`, 'Descendre');
  const second = teacher.page.locator('section.chapitre-editeur').nth(1);
  check(await second.locator('ol.blocs li', { hasText: 'Question' }).count() === 1, `${how}: the question moved into chapter 2`);
  if (keys) {
    await tabToId(teacher.page, 'etat-brouillon');  // a radio group: the arrows choose
    await teacher.page.keyboard.press('ArrowDown');
  } else {
    await teacher.page.check('#etat-publie');
  }
  await go(teacher, keys, 'Enregistrer');
  check(/publié/.test(await info(teacher)), `${how}: « ${await info(teacher)} »`);
  await type(teacher, keys, 'nom-classe', '5e B', 'Donner un code à cette classe');
  const shared = await info(teacher);
  const code = (shared.match(/code ([A-Z0-9]{9})/) || [])[1];
  check(!!code, `${how}: the class has a code (« ${shared} »)`);

  // A pupil, on a phone, with the code: two chapters, the question, the end.
  const pupil = await auditedPage(await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true }), base, shotDir);
  await pupil.open(`${base}/classe/${code}`);
  await pupil.page.fill('#pseudonyme', pupilName);
  pupil.forget();
  await Promise.all([pupil.page.waitForNavigation(), pupil.page.click('form.formulaire button[type=submit]')]);
  check(/Chapitre 1/.test(await pupil.page.locator('[aria-current=page]').textContent()), 'pupil: chapter 1 first');
  if (audits) await pupil.audit('cours-eleve');
  pupil.forget();
  await Promise.all([pupil.page.waitForNavigation(), pupil.page.getByRole('button', { name: "J'ai fini ce chapitre : au suivant" }).click()]);
  check(await pupil.page.locator('.sommaire .fini').count() === 1, 'pupil: chapter 1 is marked finished');
  await pupil.page.check('input[name=choix][value="0"]');
  pupil.forget();
  await Promise.all([pupil.page.waitForNavigation(), pupil.page.getByRole('button', { name: 'Vérifier' }).click()]);
  check(/Juste/.test(await pupil.page.locator('.verdict').textContent()), 'pupil: the question is answered right');
  pupil.forget();
  await Promise.all([pupil.page.waitForNavigation(), pupil.page.getByRole('button', { name: "J'ai fini le cours" }).click()]);
  check(/fini le cours/.test(await info(pupil)), `pupil: « ${await info(pupil)} »`);
  const pupilOver = await pupil.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(pupilOver <= 0, `cours-eleve: fits 375 px (${pupilOver} px over)`);
  // The teacher sees it.
  await teacher.open(copyEditor);
  teacher.forget();
  if (keys) {
    await tabToButton(teacher.page, 'progression');
    await Promise.all([teacher.page.waitForNavigation(), teacher.page.keyboard.press('Enter')]);
  } else {
    await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('link', { name: 'progression' }).click()]);
  }
  const row = teacher.page.locator('tr', { hasText: pupilName });
  check(await row.count() === 1 && (await row.locator('td', { hasText: 'fini' }).count()) === 2,
    `${how}: the progress shows ${pupilName} finished both chapters`);
  check(/1 juste sur 1/.test(await row.textContent()), `${how}: and answered the question right`);
  await audit('cours-progression');
  return copyEditor;
  }
  async function pressIn(t, keys, selector, text) {
    t.forget();
    if (keys) {
      const ok = await tabTo(t.page, ([sel, label]) => {
        const a = document.activeElement;
        return a && a.tagName === 'BUTTON' && a.textContent.trim() === label && !!a.closest(sel);
      }, [selector, text]);
      if (!ok) throw new Error(`Tab never reached « ${text} » in ${selector}`);
      await Promise.all([t.page.waitForNavigation(), t.page.keyboard.press('Enter')]);
    } else {
      await Promise.all([t.page.waitForNavigation(), t.page.locator(selector).locator('button', { hasText: text }).first().click()]);
    }
  }
  async function type(t, keys, id, text, button) {
    t.forget();
    if (keys) {
      await tabToId(t.page, id);
      await t.page.keyboard.type(text);
      await Promise.all([t.page.waitForNavigation(), t.page.keyboard.press('Enter')]);
    } else {
      await t.page.fill(`#${id}`, text);
      await Promise.all([t.page.waitForNavigation(), t.page.getByRole('button', { name: button, exact: true }).click()]);
    }
  }
  const copyEditor = await teacherJourney({ login: 'lea', keys: true, pupilName: 'Zoé', audits: true });
  await teacherJourney({ login: 'marc', keys: false, pupilName: 'Nina', audits: false });
  // The model is as the curator left it.
  await curator.open(`${base}/cours/${courseId}/modifier`);
  check((await blocks(curator)).length === 4, 'the model still has its four blocks');

  // ---- 2b. The demo's own model « Alimentation et digestion » holds an interactive video:
  // Léa copies it, publishes and shares it; a pupil on a phone opens the video from the course,
  // in its own player under the same pseudonym, and comes back; the progress has its column.
  const lea = await auditedPage(await browser.newContext(viewport), base, shotDir);
  await signIn(lea, 'lea', false);
  await lea.open(`${base}/cours`);
  await go(lea, false, 'Alimentation et digestion');
  check(await lea.page.locator('.bloc-video video').count() === 1, 'demo model: its interactive video plays its clip for readers');
  check(await lea.page.locator('.etapes-video li').count() >= 1, 'demo model: and lists its steps');
  await lea.audit('cours-type-video');
  await go(lea, false, 'Dupliquer ce cours pour ma classe');
  check(/\(vidéo interactive\)|Vidéo interactive/.test(await lea.page.locator('ol.blocs').first().textContent()), 'copy: the video block is in the editor');
  await lea.page.check('#etat-publie');
  await go(lea, false, 'Enregistrer');
  await type(lea, false, 'nom-classe', '4e A', 'Donner un code à cette classe');
  const videoCode = ((await info(lea)).match(/code ([A-Z0-9]{9})/) || [])[1];
  check(!!videoCode, 'copy: shared with a class');
  const videoEditor = lea.page.url().split('?')[0];
  const nina = await auditedPage(await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true }), base, shotDir);
  await nina.open(`${base}/classe/${videoCode}`);
  await nina.page.fill('#pseudonyme', 'Inès');
  nina.forget();
  await Promise.all([nina.page.waitForNavigation(), nina.page.click('form.formulaire button[type=submit]')]);
  nina.forget();
  await Promise.all([nina.page.waitForNavigation(), nina.page.getByRole('button', { name: 'Faire la vidéo interactive' }).click()]);
  const videoUrl = nina.page.url();
  check(/\/classe\/[A-Z0-9]{9}$/.test(videoUrl) && !videoUrl.endsWith(videoCode), `pupil: the video has a class of its own (${videoUrl})`);
  check((await nina.page.locator('body').textContent()).includes('Inès'), 'pupil: under the same pseudonym');
  check(await nina.page.locator('#lecteur').count() === 1, 'pupil: the interactive player');
  await nina.audit('cours-video-eleve');
  nina.forget();
  await Promise.all([nina.page.waitForNavigation(), nina.page.getByRole('link', { name: 'Revenir au cours' }).click()]);
  check(nina.page.url().endsWith(`/classe/${videoCode}`), 'pupil: back in the course');
  check(await nina.page.getByRole('button', { name: 'Reprendre la vidéo interactive' }).count() === 1, 'pupil: the course remembers the video was opened');
  await lea.open(videoEditor.replace('/modifier', '/progression'));
  check(await lea.page.locator('th', { hasText: 'Vidéo interactive : ' }).count() === 1, 'progress: a column for the interactive video');
  check(await lea.page.locator('tr', { hasText: 'Inès' }).count() === 1, 'progress: the pupil is listed');
  await lea.audit('cours-progression-video');
  const board = lea.page.getByRole('link', { name: 'tableau de bord' });
  check(await board.count() === 1, 'progress: the video\'s column links to its dashboard for this class');
  lea.forget();
  await Promise.all([lea.page.waitForNavigation(), board.click()]);
  check(/\/activites\/\d+\/tableau\?classe=\d+$/.test(lea.page.url()), `dashboard: opened without a key by its owner (${lea.page.url()})`);
  check((await lea.page.locator('main').textContent()).includes('Élèves à accompagner'), 'dashboard: the course\'s class in the video');
  check(await lea.page.getByRole('row', { name: /Inès/ }).count() >= 1, 'dashboard: the pupil is in its tables');
  await lea.audit('cours-video-tableau');

  // The teacher's pages on her phone too.
  const teacherPhone = await auditedPage(await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true }), base, shotDir);
  await signIn(teacherPhone, 'lea', false);
  for (const [name, url] of [['mes-cours-telephone', `${base}/cours`], ['cours-editeur-telephone', copyEditor],
    ['cours-progression-telephone', `${copyEditor.replace('/modifier', '/progression')}`]]) {
    await teacherPhone.open(url);
    const wide = await teacherPhone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(wide <= 0, `${name}: fits 375 px (${wide} px over)`);
    await teacherPhone.audit(name);
  }

  // ---- 3. A pupil's phone.
  const phone = await auditedPage(await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true }), base, shotDir);
  await phone.open(`${base}/cours/${courseId}`);
  const over = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(over <= 0, `cours-telephone: fits 375 px (${over} px over)`);
  await phone.audit('cours-telephone');
} catch (e) {
  check(false, `${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
console.log(`${tally.passed} passed, ${tally.failures} failed`);
process.exit(tally.failures === 0 ? 0 : 1);
