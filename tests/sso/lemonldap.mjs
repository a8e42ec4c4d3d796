// LemonLDAP::NG 2.16 (Debian) as the schools' identity provider, on loopback, for the tests:
// one portal that is an OpenID Connect provider and a CAS 3.0 server at once, with its three
// demonstration accounts given GAR attributes (PRO, UAI, DIV, IDO, PRE, NOM) by macros:
//   dwho   / dwho    teacher (National_ens) of 5A and 4B
//   rtyler / rtyler  pupil (National_elv) of 5A
//   msmith / msmith  pupil of 4B
// startLemonldap({ repere }) writes its configuration in a temporary folder, runs the portal's
// PSGI application with plackup on a free port, and resolves when its discovery document
// answers: { base, stop, log }.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PSGI = '/usr/share/lemonldap-ng/portal/htdocs/index.psgi';

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startLemonldap({ repere, clientSecret = 'un secret de test', casService }) {
  const dir = mkdtempSync(join(tmpdir(), 'repere-llng-'));
  for (const d of ['conf', 'sessions/lock', 'psessions/lock', 'cache']) mkdirSync(join(dir, d), { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(join(dir, 'lemonldap-ng.ini'), `[all]
logLevel = notice
[configuration]
type = File
dirName = ${dir}/conf
[portal]
staticPrefix = /static
templateDir = /usr/share/lemonldap-ng/portal/templates
languages = fr, en
[handler]
status = 0
`);
  const conf = {
    cfgNum: 1, cfgVersion: '2.16.1', cfgAuthor: 'repere tests', cfgDate: '1',
    authentication: 'Demo', userDB: 'Same', passwordDB: 'Demo',
    demoExportedVars: { cn: 'cn', mail: 'mail', uid: 'uid' },
    macros: {
      PRO: `$uid eq 'dwho' ? 'National_ens' : 'National_elv'`,
      DIV: `$uid eq 'dwho' ? '5A##5e A;4B##4e B' : $uid eq 'rtyler' ? '5A##5e A' : '4B##4e B'`,
      UAI: `'0750001A'`,
      IDO: `'ido-' . $uid`,
      PRE: `(split / /, $cn)[0]`,
      NOM: `(split / /, $cn)[1]`,
    },
    cookieName: 'llng', domain: '127.0.0.1', portal: `${base}/`, securedCookie: 0, timeout: 7200,
    globalStorage: 'Apache::Session::File',
    globalStorageOptions: { Directory: `${dir}/sessions`, LockDirectory: `${dir}/sessions/lock`,
      generateModule: 'Lemonldap::NG::Common::Apache::Session::Generate::SHA256' },
    localSessionStorage: 'Cache::FileCache',
    localSessionStorageOptions: { cache_root: `${dir}/cache`, namespace: 'llng', default_expires_in: 600 },
    persistentStorage: 'Apache::Session::File',
    persistentStorageOptions: { Directory: `${dir}/psessions`, LockDirectory: `${dir}/psessions/lock` },
    notification: 0, loginHistoryEnabled: 0, whatToTrace: 'uid',
    locationRules: { '127.0.0.1': { default: 'accept' } },
    // OpenID Connect provider: Repère is client "repere", code flow with PKCE required.
    issuerDBOpenIDConnectActivation: 1,
    oidcServiceMetaDataIssuer: base,
    oidcServicePrivateKeySig: privateKey, oidcServicePublicKeySig: publicKey, oidcServiceKeyIdSig: 'cle-1',
    oidcServiceIgnoreScopeForClaims: 1,
    oidcRPMetaDataOptions: { repere: {
      oidcRPMetaDataOptionsClientID: 'repere', oidcRPMetaDataOptionsClientSecret: clientSecret,
      oidcRPMetaDataOptionsRedirectUris: `${repere}/sso/ent-oidc/retour`,
      oidcRPMetaDataOptionsIDTokenSignAlg: 'RS256', oidcRPMetaDataOptionsRequirePKCE: 1,
      oidcRPMetaDataOptionsBypassConsent: 1, oidcRPMetaDataOptionsIDTokenExpiration: 300,
    } },
    oidcRPMetaDataExportedVars: { repere: { PRO: 'PRO', DIV: 'DIV', UAI: 'UAI', PRE: 'PRE', NOM: 'NOM', IDO: 'IDO' } },
    // CAS 3.0 server: Repère's service URLs, with the GAR attributes released.
    issuerDBCASActivation: 1, casAccessControlPolicy: 'none',
    casAppMetaDataOptions: { repere: { casAppMetaDataOptionsService: casService || `${repere}/` } },
    casAppMetaDataExportedVars: { repere: { PRO: 'PRO', DIV: 'DIV', UAI: 'UAI', PRE: 'PRE', NOM: 'NOM', IDO: 'IDO' } },
  };
  writeFileSync(join(dir, 'conf', 'lmConf-1.json'), JSON.stringify(conf, null, 1));
  const logPath = join(dir, 'portal.log');
  const out = await import('node:fs').then((fs) => fs.openSync(logPath, 'a'));
  const portal = spawn('plackup', ['--host', '127.0.0.1', '--port', String(port), PSGI], {
    stdio: ['ignore', out, out],
    env: { ...process.env, LLNG_DEFAULTCONFFILE: join(dir, 'lemonldap-ng.ini') },
  });
  const stop = () => {
    portal.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const log = () => { try { return readFileSync(logPath, 'utf8'); } catch { return ''; } };
  for (let i = 0; i < 150; i++) {
    try {
      const r = await fetch(`${base}/.well-known/openid-configuration`);
      if (r.ok) return { base, stop, log };
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  const text = log();
  stop();
  throw new Error(`LemonLDAP::NG did not start:\n${text.slice(-3000)}`);
}
