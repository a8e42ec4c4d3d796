// Interactive videos in a real browser (Debian's Chromium, playwright-core, axe-core):
// 1. with the mouse, a teacher creates an activity from a search moment, sets two attempts per
//    question, adds a definition pause, a multiple-choice question that sends a wrong answer
//    back a little, a true/false and a fill-in-the-blanks question (each change saved: the
//    page reloaded shows it), makes a class code; a pupil joins with a pseudonym, plays in
//    fullscreen: each card pauses the video, is drawn over it and takes the focus; the wrong
//    answer sends the video back and the question is asked again; a third answer is refused
//    by the server; the blanks are left unanswered; the end screen says « 1 / 3 »; the
//    teacher's results page shows the same;
// 2. the same journey with the keyboard only (Tab, Enter, Space, arrows, typing), the pupil's
//    part on a 1100x900 screen and again on a 375x812 phone.
// axe-core audits the creation, editor, pseudonym, player and results pages.
// Usage: node activities.mjs REPERE_BINARY DATA_DIR SCREENSHOT_DIR
import { auditedPage, check, launch, startServer, tabTo, tabToButton, tabToId, tally } from './lib.mjs';

const [repere, dataDir, shotDir] = process.argv.slice(2);
if (!repere || !dataDir || !shotDir) {
  console.error('usage: node activities.mjs REPERE_BINARY DATA_DIR SCREENSHOT_DIR');
  process.exit(2);
}

function clock(s) {
  const m = Math.floor(s / 60), r = s - m * 60;
  return `${String(m).padStart(2, '0')}:${r.toFixed(1).padStart(4, '0')}`;
}
const query = 'comment les plantes fabriquent leur matière';

const { base, server } = await startServer(repere, dataDir);
let browser;
try {
  browser = await launch();
  const viewport = { viewport: { width: 1100, height: 900 } };

  // Waits until the player has paused on a card that holds the focus; returns the card's id.
  async function pausedOnCard(page) {
    await page.waitForFunction(() => {
      const v = document.getElementById('lecteur');
      const a = document.activeElement;
      return v.paused && a && a.classList.contains('etape') && a.classList.contains('vue');
    }, null, { timeout: 20000 });
    return page.evaluate(() => ({
      over: !!document.activeElement.closest('#carte-active'),
      id: document.activeElement.id,
      title: document.activeElement.querySelector('h3').textContent,
      time: document.getElementById('lecteur').currentTime,
      at: Number(document.activeElement.getAttribute('data-at')),
    }));
  }

  // ---- The teacher builds an activity. `keys`: by keyboard only.
  async function teacher(keys, name) {
    const context = await browser.newContext(viewport);
    const t = await auditedPage(context, base, shotDir);
    const page = t.page;
    await t.open(`${base}/recherche?q=${encodeURIComponent(query)}`);
    const create = page.locator('.carte').first().locator('a.creer').first();
    check(await create.count() === 1, `${name}: a moment offers « Créer une vidéo interactive »`);
    t.forget();
    if (keys) {
      await tabTo(page, () => document.activeElement && document.activeElement.classList.contains('creer'));
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    } else {
      await Promise.all([page.waitForNavigation(), create.click()]);
    }
    check(page.url().includes('/activites/nouvelle'), `${name}: the creation page opens`);
    if (!keys) await t.audit('activite-nouvelle');
    const start = Number(await page.locator('#debut').inputValue()) / 1000;
    t.forget();
    if (keys) {
      await tabToButton(page, 'Créer la vidéo interactive');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    } else {
      await Promise.all([page.waitForNavigation(), page.click('text=Créer la vidéo interactive')]);
    }
    check(await page.locator('text=Gardez son lien de modification').count() === 1, `${name}: the editor gives the edit link`);
    const editUrl = await page.locator('#lien-cle').inputValue();
    check(/\/activites\/\d+\/modifier\?cle=[0-9a-f]{32}$/.test(editUrl), `${name}: the edit link holds the key`);

    // Adds an interaction of `type` at `at` seconds, fills it with `fill`, saves.
    async function add(type, at, label, fill) {
      if (keys) {
        await tabToId(page, 'ajout_type');
        await page.keyboard.type(label);
        await tabToId(page, 'ajout_instant');
        await page.keyboard.press('Control+A');
        await page.keyboard.type(clock(at));
        await tabToButton(page, 'Ajouter');
        await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      } else {
        await page.selectOption('#ajout_type', type);
        await page.fill('#ajout_instant', clock(at));
        await Promise.all([page.waitForNavigation(), page.click('button[value=ajouter]')]);
      }
      await fill();
      if (keys) {
        await tabToButton(page, 'Enregistrer');
        await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      } else {
        await Promise.all([page.waitForNavigation(), page.locator('button[value=enregistrer]').last().click()]);
      }
      check(await page.locator('.succes').count() === 1, `${name}: the ${type} is saved`);
      t.forget();  // the page's weight is one load's
      await page.reload();
      const kept = await page.locator('fieldset.interaction').count();
      added += 1;
      check(kept === added, `${name}: reloaded, the editor still shows the ${type} (${kept} interactions)`);
    }
    let added = 0;
    async function typeIn(id, text) {
      if (keys) {
        await tabToId(page, id);
        await page.keyboard.type(text);
      } else {
        await page.fill(`#${id}`, text);
      }
    }
    async function tick(id) {
      if (keys) {
        await tabToId(page, id);
        await page.keyboard.press('Space');
      } else {
        await page.check(`#${id}`);
      }
    }
    if (!keys) await page.selectOption('#essais', '2');
    await add('definition', start + 1.5, 'Définition', async () => {
      await typeIn('i0_term', 'chlorophylle');
      await typeIn('i0_definition', 'Pigment vert qui capte la lumière.');
    });
    await add('choice', start + 3, 'Question à choix', async () => {
      await typeIn('i1_question', 'Que capte la chlorophylle ?');
      await typeIn('i1_c0_text', 'La lumière');
      await tick('i1_c0_correct');
      await typeIn('i1_c1_text', 'Le sel');
      await typeIn('i1_c1_feedback', 'Non : la chlorophylle capte la lumière.');
      await typeIn('i1_goto', clock(start + 2.2));
    });
    await add('true_false', start + 4.5, 'Vrai ou faux', async () => {
      await typeIn('i2_question', 'La plante fabrique du glucose.');
      await tick('i2_vrai');
    });
    if (!keys) {
      await add('blanks', start + 5.5, 'Texte à trous', async () => {
        await typeIn('i3_text', 'La *chlorophylle* est verte.');
      });
    }
    const count = await page.locator('fieldset.interaction').count();
    check(count === (keys ? 3 : 4), `${name}: the editor lists the interactions (${count})`);
    // The timeline: the definition's marker moved by a drag, or by three presses of →.
    const before = await page.locator('#i0_at').inputValue();
    const pin = page.locator('.frise-repere').first();
    check(await page.locator('.frise-repere').count() === count, `${name}: the timeline has one marker per interaction`);
    if (keys) {
      await tabTo(page, () => document.activeElement && document.activeElement.classList.contains('frise-repere'));
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    } else {
      await pin.scrollIntoViewIfNeeded();
      const box = await pin.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + 3, box.y + box.height / 2, { steps: 3 });
      await page.mouse.up();
    }
    const moved = await page.locator('#i0_at').inputValue();
    const secs = (c) => { const [m, s] = c.split(':'); return Number(m) * 60 + Number(s); };
    check(moved !== before && secs(moved) > secs(before) && secs(moved) < start + 3,
      `${name}: the marker moves the definition (${before} -> ${moved})`);
    if (keys) {
      await tabToButton(page, 'Enregistrer');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    } else {
      await Promise.all([page.waitForNavigation(), page.locator('button[value=enregistrer]').last().click()]);
    }
    t.forget();
    await page.reload();
    check(await page.locator('#i0_at').inputValue() === moved, `${name}: reloaded, the moved time is kept (${moved})`);
    if (!keys) check(await page.locator('#essais').inputValue() === '2', `${name}: two attempts per question are kept`);
    if (!keys) await t.audit('editeur');
    t.forget();
    if (keys) {
      await tabToId(page, 'classe-nom');
      await page.keyboard.type('5e B');
      await tabToButton(page, 'Créer un code de partage');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    } else {
      await page.fill('#classe-nom', '5e B');
      await Promise.all([page.waitForNavigation(), page.click('text=Créer un code de partage')]);
    }
    const code = (await page.locator('.classes .code').first().textContent()).trim();
    if (!keys) {  // a copy for another class year: the same interactions, no classes
      t.forget();
      await Promise.all([page.waitForNavigation(), page.click('text=Dupliquer cette activité')]);
      const copyTitle = await page.locator('#titre').inputValue();
      const copied = await page.locator('fieldset.interaction').count();
      const classes = await page.locator('.classes .code').count();
      check(/\(copie\)$/.test(copyTitle) && copied === count && classes === 0,
        `${name}: « Dupliquer » makes « ${copyTitle} » with its ${copied} interactions and no class`);
    }
    // 9 characters in three groups, typed by the pupil as shown (dashes and all).
    check(/^[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}$/.test(code), `${name}: the class gets a share code (${code})`);
    await context.close();
    return { editUrl, code, start };
  }

  // ---- A pupil joins and plays: one wrong answer, one right.
  async function pupil(keys, name, code, pseudonym, size = viewport) {
    const context = await browser.newContext(size);
    const p = await auditedPage(context, base, shotDir);
    const page = p.page;
    await p.open(`${base}/`);
    if (keys) {
      await tabToId(page, 'code-classe');
      await page.keyboard.type(code);
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    } else {
      await page.fill('#code-classe', code);
      await Promise.all([page.waitForNavigation(), page.click('text=Ouvrir la vidéo')]);
    }
    check(await page.locator('#pseudonyme').count() === 1, `${name}: the class code asks for a pseudonym`);
    if (!keys) await p.audit('pseudonyme');
    p.forget();
    if (keys) {
      await tabToId(page, 'pseudonyme');
      await page.keyboard.type(pseudonym);
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    } else {
      await page.fill('#pseudonyme', pseudonym);
      await Promise.all([page.waitForNavigation(), page.click('text=Commencer')]);
    }
    check(await page.locator('#lecteur').count() === 1, `${name}: the player opens`);
    await page.waitForFunction(() => document.getElementById('lecteur').readyState >= 1, null, { timeout: 15000 });
    check(await page.locator('.etape.vue').count() === 0, `${name}: the cards wait for their time`);
    if (!keys) await p.audit('lecteur');
    check(await page.locator('#position').count() === 1, `${name}: the player has its own scrubber`);
    const span = await page.evaluate(() => Number(document.getElementById('position').max));
    const clip = await page.evaluate(() => { const v = document.getElementById('lecteur'); return Number(v.dataset.end) - Number(v.dataset.start); });
    check(Math.abs(span - clip) < 0.2, `${name}: ... that spans the clip only (${span} s for a ${clip.toFixed(1)} s clip)`);
    if (keys) {
      await tabToButton(page, 'Lecture');
      await page.keyboard.press('Enter');
    } else {
      await page.click('button.lecture');
    }
    const seen = [];
    const continueVideo = async () => {
      if (keys) {
        await tabToButton(page, 'Continuer la vidéo');
        await page.keyboard.press('Enter');
      } else {
        await page.locator(`.etape.vue [data-continuer]`).last().click();
      }
      await page.waitForFunction(() => !document.getElementById('lecteur').paused, null, { timeout: 5000 });
    };
    // 1. The definition.
    let card = await pausedOnCard(page);
    seen.push(card);
    check(/Définition : chlorophylle/.test(card.title), `${name}: the definition card pauses the video and takes the focus`);
    check(Math.abs(card.time - card.at) < 1, `${name}: ... at its time (${card.time.toFixed(2)} s for ${card.at.toFixed(2)} s)`);
    await page.waitForFunction(() => document.getElementById('annonce').textContent.length > 0, null, { timeout: 2000 }).catch(() => {});
    const announced = await page.locator('#annonce').textContent();
    check(/pause/i.test(announced), `${name}: the pause is announced (« ${announced} »)`);
    check(card.over, `${name}: the card is drawn over the video`);
    if (!keys) {
      await page.click('text=Plein écran');
      await page.waitForFunction(() => document.fullscreenElement && document.fullscreenElement.id === 'scene', null, { timeout: 5000 })
        .catch(() => {});
      const full = await page.evaluate(() => document.fullscreenElement ? document.fullscreenElement.id : '');
      check(full === 'scene', `${name}: fullscreen holds the video with its cards (${full || 'none'})`);
    }
    await continueVideo();
    // 2. The multiple choice: the wrong answer.
    card = await pausedOnCard(page);
    check(/Question à choix/.test(card.title), `${name}: the multiple-choice card comes next`);
    if (keys) {
      await page.keyboard.press('Tab');  // into the radio group: the first choice
      await page.keyboard.press('ArrowDown');  // the second, « Le sel »
      await tabToButton(page, 'Valider');
      await page.keyboard.press('Enter');
    } else {
      await page.locator(`#${card.id} label:has-text("Le sel")`).click();
      await page.locator(`#${card.id} button[type=submit]`).click();
    }
    await page.waitForFunction((id) => document.querySelector(`#${id} .retour`).textContent.length > 0, card.id);
    const wrong = await page.locator(`#${card.id} .retour`).textContent();
    check(/Pas tout à fait/.test(wrong) && /capte la lumière/.test(wrong), `${name}: the wrong answer gets its feedback (« ${wrong.trim()} »)`);
    if (!keys) {
      const inFull = await page.evaluate((id) => !!document.fullscreenElement && document.fullscreenElement.contains(document.getElementById(id)), card.id);
      check(inFull, `${name}: in fullscreen, the question card is over the video`);
      await page.screenshot({ path: `${shotDir}/lecteur-plein-ecran.png` });
    }
    await continueVideo();
    // « Revenir à »: the video goes back, and the same question is asked again.
    const again = await pausedOnCard(page);
    const cleared = await page.locator(`#${card.id} .retour`).textContent();
    check(again.id === card.id && cleared.trim() === '', `${name}: after « revenir à », the question is asked again, its answer cleared (${again.title})`);
    if (keys) {
      await page.keyboard.press('Tab');  // the first choice, « La lumière »
      await page.keyboard.press('Space');
      await tabToButton(page, 'Valider');
      await page.keyboard.press('Enter');
    } else {
      await page.locator(`#${card.id} label:has-text("La lumière")`).click();
      await page.locator(`#${card.id} button[type=submit]`).click();
    }
    await page.waitForFunction((id) => /Juste/.test(document.querySelector(`#${id} .retour`).textContent), card.id, { timeout: 5000 });
    check(true, `${name}: the second attempt is right`);
    if (!keys) {
      const refused = await page.evaluate(async (id) => {
        const form = document.querySelector(`#${id} form`);
        const r = await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), headers: { Accept: 'application/json' } });
        return r.status;
      }, card.id);
      check(refused === 403, `${name}: a third answer is refused by the server (HTTP ${refused})`);
      const disabled = await page.locator(`#${card.id} button[type=submit]`).isDisabled();
      check(disabled, `${name}: ... and the card says no attempt is left`);
    }
    await continueVideo();
    // 3. True or false: the right answer.
    card = await pausedOnCard(page);
    check(/Vrai ou faux/.test(card.title), `${name}: the true/false card comes next`);
    if (keys) {
      await page.keyboard.press('Tab');  // « Vrai »
      await page.keyboard.press('Space');
      await tabToButton(page, 'Valider');
      await page.keyboard.press('Enter');
    } else {
      await page.locator(`#${card.id} label:has-text("Vrai")`).click();
      await page.locator(`#${card.id} button[type=submit]`).click();
    }
    await page.waitForFunction((id) => document.querySelector(`#${id} .retour`).textContent.length > 0, card.id);
    const right = await page.locator(`#${card.id} .retour`).textContent();
    check(/Juste/.test(right), `${name}: the right answer is told so`);
    await continueVideo();
    if (!keys) {  // the blanks: left unanswered
      card = await pausedOnCard(page);
      check(/trous/i.test(card.title), `${name}: the blanks card comes last`);
      await continueVideo();
    }
    // To the end of the clip by the scrubber, then the end screen over the video: the score out
    // of every graded question.
    if (keys) {
      await tabToId(page, 'position');
      await page.keyboard.press('End');
    } else {
      const max = await page.evaluate(() => Number(document.getElementById('position').max));
      await page.locator('#position').fill(String(max - 0.5));
    }
    await page.waitForSelector('#carte-active .fin', { timeout: 60000 });
    const end = await page.locator('#carte-active .fin').textContent();
    const expected = keys ? '1 / 2' : '1 / 3';
    check(end.includes(`Score : ${expected}`), `${name}: the end screen shows « ${expected} » (« ${end.replace(/\s+/g, ' ').trim().slice(0, 160)} »)`);
    check(!/bravo/i.test(end), `${name}: ... and no « Bravo » for a wrong answer`);
    if (!keys) {
      await page.screenshot({ path: `${shotDir}/lecteur-fin.png` });
      await page.evaluate(() => document.fullscreenElement && document.exitFullscreen());
      await p.audit('lecteur-fin');
      await page.screenshot({ path: `${shotDir}/lecteur-reponses.png`, fullPage: true });
    }
    await context.close();
  }

  // ---- The teacher reads the results.
  async function results(editUrl, name, expected) {
    const context = await browser.newContext(viewport);
    const r = await auditedPage(context, base, shotDir);
    await r.open(editUrl.replace('/modifier', '/resultats'));
    for (const [pseudonym, score] of expected) {
      const row = await r.page.locator(`table.tableau tr:has(th:has-text("${pseudonym}"))`).first().textContent().catch(() => '');
      check(row.includes(score), `${name}: the results show ${pseudonym} at ${score} (${row.replace(/\s+/g, ' ').trim()})`);
      const watched = await r.page.locator(`table.tableau tr:has(th:has-text("${pseudonym}")) td`).nth(2).textContent().catch(() => '');
      check(watched.trim() === '100 %', `${name}: ... who watched the clip to its end (${watched.trim()})`);
    }
    const rates = await r.page.locator('table.tableau').nth(1).textContent();
    check(/Le sel/.test(rates), `${name}: the question table shows the common wrong answer`);
    if (name === 'souris') await r.audit('resultats-activite');
    const [, id, key] = /activites\/(\d+)\/modifier\?cle=([0-9a-f]+)/.exec(editUrl);
    const traces = await (await fetch(`${base}/api/v1/activities/${id}/xapi?key=${key}`)).json();
    const verbs = new Set(traces.map((s) => s.verb.id.split('/').pop()));
    check(['played', 'paused', 'answered'].every((v) => verbs.has(v)), `${name}: the pupil's xAPI statements are kept (${[...verbs].join(', ')})`);
    const csv = await r.page.locator('a[href*="results.csv"]').count();
    check(csv === 1, `${name}: the results page links the CSV`);
    await context.close();
  }

  // ---- On a 375x812 phone: the editor, the player with a card over the video, the results.
  async function phone(editUrl, code) {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    const p = await auditedPage(context, base, shotDir);
    const page = p.page;
    const fits = async (what) => {
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(over <= 0, `téléphone: ${what} fits 375 px (${over} px over)`);
    };
    await p.open(editUrl);
    await fits('the editor');
    const right = await page.evaluate(() => Math.max(...[...document.querySelectorAll('[id$=_correct]')].map((e) => e.getBoundingClientRect().right)));
    check(right <= 375, `téléphone: the « Bonne réponse » boxes are on screen (right edge ${right.toFixed(0)} px)`);
    await p.audit('editeur-telephone');
    await p.open(`${base}/classe/${code.replace(/-/g, '')}`);
    p.forget();
    await page.fill('#pseudonyme', 'Zoé');
    await Promise.all([page.waitForNavigation(), page.click('text=Commencer')]);
    await page.waitForFunction(() => document.getElementById('lecteur').readyState >= 1, null, { timeout: 15000 });
    await fits('the player');
    const header = await page.evaluate(() => document.querySelector('.bandeau').getBoundingClientRect().height);
    check(header <= 100, `téléphone: the header is compact (${header.toFixed(0)} px)`);
    await page.click('button.lecture');
    await pausedOnCard(page);
    const card = await page.evaluate(() => {
      const c = document.activeElement.getBoundingClientRect(), v = document.getElementById('lecteur').getBoundingClientRect();
      return { over: !!document.activeElement.closest('#carte-active'), top: c.top, vtop: v.top, vbottom: v.bottom };
    });
    check(card.over && card.top >= card.vtop - 1, `téléphone: the card is over the video, which stays on screen (video at ${card.vtop.toFixed(0)} px)`);
    await page.screenshot({ path: `${shotDir}/lecteur-telephone.png` });
    await p.audit('lecteur-telephone');
    await p.open(editUrl.replace('/modifier', '/resultats'));
    await fits('the results');
    await p.audit('resultats-telephone');
    await context.close();
  }

  const mouse = await teacher(false, 'souris');
  await pupil(false, 'souris', mouse.code, 'Léa');
  await results(mouse.editUrl, 'souris', [['Léa', '1 / 3']]);
  await phone(mouse.editUrl, mouse.code);
  const kb = await teacher(true, 'clavier');
  await pupil(true, 'clavier', kb.code, 'Max');
  // The keyboard-only journey again on a phone.
  await pupil(true, 'clavier-telephone', kb.code, 'Noé', { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  await results(kb.editUrl, 'clavier', [['Max', '1 / 2']]);
} catch (e) {
  check(false, `${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
console.log(`${tally.passed} passed, ${tally.failures} failed`);
process.exit(tally.failures ? 1 : 0);
