// Single sign-on in a real browser (Debian's Chromium, playwright-core, axe-core) against a real
// identity provider started by the test: LemonLDAP::NG 2.16 from Debian (tests/sso/lemonldap.mjs),
// which is at once an OpenID Connect provider, a CAS 3.0 server and a SAML 2.0 IdP, its accounts carrying GAR
// attributes (PRO, UAI, DIV, IDO, PRE, NOM). On a copy of the demo library:
// 1. a teacher (National_ens, DIV 5A and 4B) signs on from the login page's « Se connecter avec
//    ENT (OpenID Connect) » and lands as a teacher on « Mes classes de l'ENT »; she makes an
//    interactive video and shares it with 5A;
// 2. a pupil of 5A signs on by CAS from /ent and finds the video, opens it and is in class
//    « 5e A » under the pseudonym « R. 1 », with no code to type; a pupil of 4B (OIDC) finds
//    nothing and is refused 5A's class;
// 3. the teacher signs on by CAS too and lands as a teacher; by SAML 2.0 too, and logging out
//    of Repère logs her out of the IdP (single logout); a pupil of 5A by SAML finds 5A's video;
// 4. what must be refused is, with a log line naming the reason and no session: a replayed CAS
//    answer, a replayed OpenID Connect answer, an answer without this browser's state, a forged
//    CAS ticket, a replayed SAML answer, an XML signature wrapping attempt, a return address on
//    another host.
// Usage: node sso.mjs REPERE_BINARY DEMO_DATA_DIR SCREENSHOT_DIR
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { auditedPage, check, copyWithAccounts, freePort, launch, tally } from './lib.mjs';
import { startLemonldap } from '../sso/lemonldap.mjs';

const [repere, demoData, shotDir] = process.argv.slice(2);
if (!repere || !demoData || !shotDir) {
  console.error('usage: node sso.mjs REPERE_BINARY DEMO_DATA_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const { work, data } = copyWithAccounts(repere, demoData, 'repere-sso-', [], '');
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
let logText = '';
const server = spawn(repere, ['serve', '--data', data, '--port', String(port)], {
  stdio: ['ignore', 'ignore', 'pipe'],
  env: { ...process.env, REPERE_WEB_PUBLIC_URL: base },
});
server.stderr.on('data', (d) => { logText += d.toString(); });
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(`${base}/api/v1/health`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 100));
}
// The IdP starts once to publish its SAML metadata, then again (same port and keys) with the
// metadata of the SP Repère made for it.
let idp = await startLemonldap({ repere: base });
let browser;
try {
  function cli(args) {
    const r = spawnSync(repere, ['sso', ...args, '--data', data], { encoding: 'utf8' });
    check(r.status === 0, `repere sso ${args[0]} ${args[1] || ''}: ${(r.stdout + r.stderr).trim()}`);
  }
  cli(['add-oidc', 'ent-oidc', '--label', 'ENT (OpenID Connect)', '--discovery', idp.base,
    '--client-id', 'repere', '--client-secret', 'un secret de test']);
  cli(['add-cas', 'ent-cas', '--label', 'ENT (CAS)', '--cas-url', `${idp.base}/cas`,
    '--subject-attribute', 'IDO']);
  cli(['add-saml', 'ent-saml', '--label', 'ENT (SAML)', '--idp-metadata', `${idp.base}/saml/metadata`,
    '--subject-attribute', 'IDO']);
  const spMetadata = await (await fetch(`${base}/sso/ent-saml/metadata`)).text();
  check(spMetadata.includes(`entityID="${base}/sso/ent-saml/metadata"`) && spMetadata.includes('AuthnRequestsSigned="true"'),
    'the SP metadata is published at its entityID, with signed requests');
  const { port: idpPort, keys } = idp;
  idp.stop();
  idp = await startLemonldap({ repere: base, port: idpPort, keys, samlSp: spMetadata });
  const list = spawnSync(repere, ['sso', 'list', '--data', data], { encoding: 'utf8' }).stdout;
  check(list.includes(`${idp.base}/oauth2/token`) && list.includes('subject IDO'),
    'repere sso list shows the discovered endpoints and the mapping');

  browser = await launch();
  const viewport = { viewport: { width: 1100, height: 900 } };
  // Signs on at the identity provider's own form, and waits to be back in Repère.
  async function atProvider(page, user) {
    await page.waitForSelector('input[name=user]');
    await page.fill('input[name=user]', user);
    await page.fill('input[name=password]', user);
    await Promise.all([page.waitForURL((u) => u.toString().startsWith(base)), page.click('button[type=submit]')]);
    await page.waitForLoadState('load');
  }

  // ---- 1. The teacher, by OpenID Connect from the login page.
  const teacher = await auditedPage(await browser.newContext(viewport), base, shotDir);
  await teacher.open(`${base}/connexion`);
  await teacher.audit('sso-connexion');
  const button = teacher.page.getByRole('link', { name: 'Se connecter avec ENT (OpenID Connect)' });
  check(await button.count() === 1, 'the login page offers « Se connecter avec ENT (OpenID Connect) »');
  await Promise.all([teacher.page.waitForURL((u) => u.toString().startsWith(idp.base)), button.click()]);
  teacher.forget();
  const asked = new URL(teacher.page.url());
  check(asked.searchParams.get('code_challenge_method') === 'S256' && asked.searchParams.get('nonce')
    && asked.searchParams.get('state'), 'the authorisation request carries PKCE S256, a state and a nonce');
  await atProvider(teacher.page, 'dwho');
  check(new URL(teacher.page.url()).pathname === '/ent', `the teacher lands on /ent (${teacher.page.url()})`);
  check((await teacher.page.locator('.compte .qui').textContent()).includes('Doctor Who'),
    'she is signed in as a Repère teacher (the header names her)');
  const h2 = await teacher.page.locator('main h2').allTextContents();
  check(h2.some((t) => t.startsWith('5e A')) && h2.some((t) => t.startsWith('4e B')),
    `her ENT classes are listed (${h2.join(' | ')})`);
  // She makes an interactive video (the editor's own API call).
  const made = await teacher.page.evaluate(async () => {
    const csrf = document.querySelector('meta[name=csrf-token]').content;
    const list = await (await fetch('/api/v1/contents?limit=100')).json();
    const video = (list.contents || list.items).find((c) => c.kind === 'video' && c.duration_ms > 60000);
    const r = await fetch('/api/v1/activities', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ content_id: video.id, title: 'Quiz ENT', start_ms: 0, end_ms: 60000,
        interactions: [{ type: 'true_false', at_ms: 20000, question: 'Le ciel est bleu.', answer_true: true }] }),
    });
    return { status: r.status, body: await r.json() };
  });
  check(made.status === 201, `she makes an interactive video (${made.status})`);
  await teacher.open(`${base}/ent`);
  await teacher.audit('sso-ent-enseignant');
  const form5a = teacher.page.locator('section.division', { hasText: '5e A' });
  await form5a.locator('select').selectOption(`activite:${made.body.id}`);
  await Promise.all([teacher.page.waitForNavigation(), form5a.getByRole('button', { name: 'Partager' }).click()]);
  check((await teacher.page.locator('.message[role=status]').textContent()).includes('Partage enregistré'),
    'she shares it with 5A');
  check((await teacher.page.locator('section.division', { hasText: '5e A' }).textContent()).includes('Quiz ENT'),
    '5A lists « Quiz ENT » with its results');

  // ---- 2. A pupil of 5A, by CAS from /ent.
  const pupil = await auditedPage(await browser.newContext({ viewport: { width: 375, height: 812 } }), base, shotDir);
  await pupil.open(`${base}/ent`);
  await pupil.audit('sso-ent-accueil');
  const replays = [];
  pupil.page.on('request', (r) => { if (r.url().includes('/sso/ent-cas/retour')) replays.push(r.url()); });
  await Promise.all([pupil.page.waitForURL((u) => u.toString().startsWith(idp.base)),
    pupil.page.getByRole('link', { name: 'Se connecter avec ENT (CAS)' }).click()]);
  await atProvider(pupil.page, 'rtyler');
  check(new URL(pupil.page.url()).pathname === '/ent', 'the pupil lands on /ent');
  await pupil.open(`${base}/ent`);  // counted from here: not the provider's own page
  check(await pupil.page.locator('.compte .qui').count() === 0, 'she has no staff session');
  await pupil.audit('sso-ent-eleve');
  const item = pupil.page.getByRole('link', { name: 'Quiz ENT' });
  check(await item.count() === 1, 'she finds « Quiz ENT », shared with her class');
  const itemHref = await item.getAttribute('href');
  await Promise.all([pupil.page.waitForNavigation(), item.click()]);
  check(/^\/classe\/[A-Z0-9]+$/.test(new URL(pupil.page.url()).pathname), `she is on the class's page (${pupil.page.url()})`);
  const meta = await pupil.page.locator('.meta').first().textContent();
  check(meta.includes('Classe 5e A') && meta.includes('R. 1'), `she is in class 5e A as « R. 1 », no code typed (${meta.trim()})`);

  // A pupil of 4B, by OpenID Connect: nothing shared with 4B; 5A's class is refused.
  const other = await (await browser.newContext(viewport)).newPage();
  await other.goto(`${base}/sso/ent-oidc/connexion`);
  await atProvider(other, 'msmith');
  check((await other.locator('main').textContent()).includes("n'ont encore rien partagé"),
    'a pupil of 4B finds nothing shared with her class');
  const refused = await other.goto(`${base}${itemHref}`);
  check(refused.status() === 403, `5A's class is refused to her (${refused.status()})`);

  // ---- 3. The teacher by CAS too.
  const t2 = await (await browser.newContext(viewport)).newPage();
  await t2.goto(`${base}/sso/ent-cas/connexion?suite=${encodeURIComponent('/activites')}`);
  await atProvider(t2, 'dwho');
  check(new URL(t2.url()).pathname === '/activites' && (await t2.locator('.compte .qui').count()) === 1,
    `by CAS the teacher lands as a teacher where she asked to go (${t2.url()})`);

  // ---- 3b. SAML 2.0: the teacher lands as a teacher; a pupil of 5A finds 5A's video; logging
  // out of Repère logs out of the IdP too (single logout).
  const s1 = await (await browser.newContext(viewport)).newPage();
  await s1.goto(`${base}/sso/ent-saml/connexion`, { waitUntil: 'commit' });
  await atProvider(s1, 'dwho');
  check(new URL(s1.url()).pathname === '/ent' && (await s1.locator('.compte .qui').count()) === 1,
    `by SAML the teacher lands as a teacher (${s1.url()})`);
  await Promise.all([s1.waitForURL((u) => u.toString() === `${base}/`), s1.locator('.compte button, .compte a', { hasText: 'Se déconnecter' }).first().click()]);
  check((await s1.locator('.compte .qui').count()) === 0, 'she logs out: single logout through the IdP and back to Repère');
  await s1.goto(`${base}/sso/ent-saml/connexion`, { waitUntil: 'commit' });
  await s1.waitForLoadState('load');
  check(await s1.locator('input[name=user]').count() === 1, 'the IdP asks her to sign in again: its session ended too');
  const samlAnswers = [];
  const s2 = await (await browser.newContext(viewport)).newPage();
  s2.on('request', (r) => { if (r.url().startsWith(`${base}/sso/ent-saml/acs`)) samlAnswers.push(r.postData()); });
  await s2.goto(`${base}/sso/ent-saml/connexion`, { waitUntil: 'commit' });
  await atProvider(s2, 'rtyler');
  check(await s2.getByRole('link', { name: 'Quiz ENT' }).count() === 1,
    'by SAML a pupil of 5A finds « Quiz ENT »: the same school class as by OpenID Connect');

  // ---- 4. Refusals: a log line each, no session.
  const before = logText.length;
  const replay = await pupil.page.goto(replays[0]);
  check(replay.status() === 401, `a replayed CAS answer is refused (${replay.status()})`);
  const fresh = await browser.newContext(viewport);
  const freshPage = await fresh.newPage();
  const stateless = await freshPage.goto(replays[0]);
  check(stateless.status() === 401, 'a CAS answer in a browser that did not begin the login is refused');
  check((await fresh.cookies()).every((c) => c.name !== 'repere_session' && c.name !== 'repere_ent'),
    'and no session cookie is set');
  // A forged ticket with this browser's own state.
  const begin = await freshPage.request.get(`${base}/sso/ent-cas/connexion`, { maxRedirects: 0 });
  const service = new URL(new URL(begin.headers().location).searchParams.get('service'));
  const forged = await freshPage.goto(`${service}&ticket=ST-forged-1234`);
  check(forged.status() === 401, `a forged CAS ticket is refused (${forged.status()})`);
  // A replayed OpenID Connect answer (its code and state, once used).
  const oidcAnswers = [];
  const o2 = await (await browser.newContext(viewport)).newPage();
  o2.on('request', (r) => { if (r.url().includes('/sso/ent-oidc/retour')) oidcAnswers.push(r.url()); });
  await o2.goto(`${base}/sso/ent-oidc/connexion`);
  await atProvider(o2, 'rtyler');
  const again = await o2.goto(oidcAnswers[0]);
  check(again.status() === 401, `a replayed OpenID Connect answer is refused (${again.status()})`);
  // A replayed SAML answer (its assertion and RelayState once used).
  const replayedSaml = await freshPage.request.post(`${base}/sso/ent-saml/acs`, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, data: samlAnswers[0] });
  check(replayedSaml.status() === 401, `a replayed SAML answer is refused (${replayedSaml.status()})`);
  // An XML signature wrapping attempt: the IdP's genuine signed assertion for a pupil of 4B is
  // kept, and a forged unsigned one (a teacher) is put before it, for a login in progress.
  const w = await (await browser.newContext(viewport)).newPage();
  await w.goto(`${base}/sso/ent-saml/connexion`, { waitUntil: 'commit' });
  await atProvider(w, 'msmith');
  const form = await (await w.request.get(`${base}/sso/ent-saml/connexion`)).text();
  const field = (html, name) => (html.match(new RegExp(`name="${name}" value="([^"]+)"`)) || [])[1];
  const relay = field(form, 'RelayState');
  const atIdp = await (await w.request.post(`${idp.base}/saml/singleSignOn`, {
    form: { SAMLRequest: field(form, 'SAMLRequest'), RelayState: relay } })).text();
  const genuine = Buffer.from(field(atIdp, 'SAMLResponse').replace(/&#x2B;|&#43;/g, '+').replace(/&#x3D;|&#61;/g, '='), 'base64').toString('utf8');
  const assertion = genuine.match(/<(\w+:)?Assertion[\s\S]*<\/(\w+:)?Assertion>/);
  check(Boolean(assertion), 'the IdP answered the login in progress with a signed assertion');
  if (assertion) {
    const forgedAssertion = assertion[0]
      .replace(/<(\w+:)?Signature[\s\S]*?<\/(\w+:)?Signature>/, '')
      .replace(/ID="[^"]+"/, 'ID="_forged"')
      .replaceAll('ido-msmith', 'ido-dwho').replaceAll('National_elv', 'National_ens');
    const wrapped = genuine.replace(assertion[0], forgedAssertion + assertion[0]);
    const xsw = await w.request.post(`${base}/sso/ent-saml/acs`, {
      form: { SAMLResponse: Buffer.from(wrapped).toString('base64'), RelayState: relay } });
    check(xsw.status() === 401, `an XML signature wrapping attempt is refused (${xsw.status()})`);
    check((await w.context().cookies()).every((c) => c.name !== 'repere_session'), 'and makes no teacher session');
  }
  const away = await freshPage.request.get(`${base}/sso/ent-oidc/connexion?suite=${encodeURIComponent('//evil.example/')}`, { maxRedirects: 0 });
  check(away.status() === 400, `a return address on another host is refused before leaving (${away.status()})`);
  await new Promise((r) => setTimeout(r, 300));
  const lines = logText.slice(before);
  for (const [what, words] of [['replayed CAS answer', 'already used state'],
    ['state of another browser', "not the one of this browser's login"],
    ['forged ticket', 'INVALID_TICKET'], ['other host', 'not a path of this site'],
    ['replayed SAML answer', 'SAML sign-on refused'], ['signature wrapping', 'SAML sign-on refused']]) {
    check(lines.includes(words), `the log says why (${what}: « ${words} »)`);
  }
  for (const line of lines.split('\n').filter((l) => l.includes('refused'))) console.log(`     log: ${line.slice(0, 240)}`);
  check(idp.log().length > 0, 'the identity provider ran');
} catch (e) {
  console.log(`FAIL ${e.stack}`);
  tally.failures++;
  console.log(logText.slice(-2000));
  console.log(idp.log().split('\n').filter((l) => /error|warn/i.test(l)).slice(-20).join('\n'));
} finally {
  if (browser) await browser.close();
  idp.stop();
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
console.log(`${tally.passed} passed, ${tally.failures} failed`);
process.exit(tally.failures ? 1 : 0);
