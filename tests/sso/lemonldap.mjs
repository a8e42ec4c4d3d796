// LemonLDAP::NG 2.16 (Debian) as the schools' identity provider, on loopback, for the tests:
// one portal that is an OpenID Connect provider and a CAS 3.0 server at once, with its three
// demonstration accounts given GAR attributes (PRO, UAI, DIV, IDO, PRE, NOM) by macros:
//   dwho   / dwho    teacher (National_ens) of 5A and 4B
//   rtyler / rtyler  pupil (National_elv) of 5A
//   msmith / msmith  pupil of 4B
// It is also a SAML 2.0 IdP (entityID BASE/saml/metadata) once given Repère's SP metadata.
// startLemonldap({ repere, port, keys, samlSp }) writes its configuration in a temporary
// folder, runs the portal's PSGI application with plackup on `port` (default: a free one), and
// resolves when its discovery document answers: { base, port, keys, stop, log }. `keys`
// (makeIdpKeys(): a key and its self-signed certificate) sign its tokens and assertions; pass the
// same port and keys to start it again with the SP's metadata (`samlSp`).
import { spawn, spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../e2e/lib.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PSGI = '/usr/share/lemonldap-ng/portal/htdocs/index.psgi';

// A 2048-bit RSA key and a self-signed certificate for it (Debian's openssl).
export function makeIdpKeys() {
  const dir = mkdtempSync(join(tmpdir(), 'repere-idp-keys-'));
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=idp-test',
    '-days', '2', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  const keys = { privateKey: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  rmSync(dir, { recursive: true, force: true });
  return keys;
}

const GAR = ['PRO', 'DIV', 'UAI', 'PRE', 'NOM', 'IDO'];

export async function startLemonldap({ repere, clientSecret = 'un secret de test', casService, port, keys, samlSp }) {
  const dir = mkdtempSync(join(tmpdir(), 'repere-llng-'));
  for (const d of ['conf', 'sessions/lock', 'psessions/lock', 'cache']) mkdirSync(join(dir, d), { recursive: true });
  port = port || await freePort();
  keys = keys || makeIdpKeys();
  // The portal is at localhost, not 127.0.0.1: browsers refuse a cookie whose Domain is an IP
  // address, and LemonLDAP::NG keeps a SAML request in one while the person signs in.
  const base = `http://localhost:${port}`;
  const privateKey = keys.privateKey;
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
  writeFileSync(join(dir, 'lemonldap-ng.ini'), `[all]
logLevel = ${process.env.LLNG_LOG || "notice"}
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
    cookieName: 'llng', domain: 'localhost', sameSite: 'Lax', portal: `${base}/`, securedCookie: 0, timeout: 7200,
    globalStorage: 'Apache::Session::File',
    globalStorageOptions: { Directory: `${dir}/sessions`, LockDirectory: `${dir}/sessions/lock`,
      generateModule: 'Lemonldap::NG::Common::Apache::Session::Generate::SHA256' },
    localSessionStorage: 'Cache::FileCache',
    localSessionStorageOptions: { cache_root: `${dir}/cache`, namespace: 'llng', default_expires_in: 600 },
    persistentStorage: 'Apache::Session::File',
    persistentStorageOptions: { Directory: `${dir}/psessions`, LockDirectory: `${dir}/psessions/lock` },
    notification: 0, loginHistoryEnabled: 0, whatToTrace: 'uid',
    locationRules: { localhost: { default: 'accept' } },
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
    // SAML 2.0 IdP: signs its assertions and checks Repère's signed requests.
    issuerDBSAMLActivation: 1,
    samlEntityID: '#PORTAL#/saml/metadata',
    samlServicePrivateKeySig: privateKey, samlServicePublicKeySig: keys.cert,
    samlServicePrivateKeyEnc: privateKey, samlServicePublicKeyEnc: keys.cert,
    samlOrganizationName: 'ENT de test', samlOrganizationDisplayName: 'ENT de test', samlOrganizationURL: base,
  };
  if (samlSp) {
    conf.samlSPMetaDataXML = { repere: { samlSPMetaDataXML: samlSp } };
    conf.samlSPMetaDataExportedAttributes = { repere: Object.fromEntries(GAR.map((a) =>
      [a, `0;${a};urn:oasis:names:tc:SAML:2.0:attrname-format:basic`])) };
    conf.samlSPMetaDataOptions = { repere: {
      samlSPMetaDataOptionsNameIDFormat: 'persistent',
      samlSPMetaDataOptionsSignSSOMessage: 1, samlSPMetaDataOptionsCheckSSOMessageSignature: 1,
      samlSPMetaDataOptionsSignSLOMessage: 1, samlSPMetaDataOptionsCheckSLOMessageSignature: 1,
      samlSPMetaDataOptionsEnableIDPInitiatedURL: 0,
    } };
  }
  writeFileSync(join(dir, 'conf', 'lmConf-1.json'), JSON.stringify(conf, null, 1));
  const logPath = join(dir, 'portal.log');
  const out = await import('node:fs').then((fs) => fs.openSync(logPath, 'a'));
  // The portal's application, with its static files (scripts: the auto-posted SAML answer).
  writeFileSync(join(dir, 'portal.psgi'), `use Plack::Builder;
use Plack::App::File;
my $portal = do '${PSGI}' or die "portal: $@ $!";
builder {
  mount '/static' => Plack::App::File->new(root => '/usr/share/lemonldap-ng/portal/htdocs/static')->to_app;
  mount '/javascript' => Plack::App::File->new(root => '/usr/share/javascript')->to_app;
  mount '/' => $portal;
};
`);
  const portal = spawn('plackup', ['--host', '127.0.0.1', '--port', String(port), join(dir, 'portal.psgi')], {
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
      const r = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`, { headers: { Host: `localhost:${port}` } });
      if (r.ok) return { base, port, keys, stop, log };
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  const text = log();
  stop();
  throw new Error(`LemonLDAP::NG did not start:\n${text.slice(-3000)}`);
}
