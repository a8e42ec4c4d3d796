"""An LTI 1.3 platform for the tests, as a Moodle would be to Repère: its own RSA keys and key
set, the OIDC authorisation endpoint that answers a tool's login with a signed id_token (auto-
posted form), an OAuth 2 token endpoint that checks the tool's JWT assertion against the tool's
key set, line items that take scores (and can be down), and the deep-linking return that checks
the tool's signed response. Python's http.server, python3-jwt and python3-cryptography."""
import json
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
# The course « 5e A » as the platform knows it (its names never reach Repère's catalog).
MEMBERS = [
    {"user_id": "eleve-42", "name": "Léa Durand", "roles": [LEARNER]},
    {"user_id": "eleve-43", "given_name": "Noé", "family_name": "Martin", "roles": [LEARNER]},
    {"user_id": "eleve-44", "name": "Zoé Petit", "roles": [LEARNER], "status": "Active"},
    {"user_id": "eleve-45", "name": "Parti Ailleurs", "roles": [LEARNER], "status": "Inactive"},
    {"user_id": "prof-1", "name": "Camille Durand", "roles": [INSTRUCTOR]},
]


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key, kid):
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return jwk


def pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class Platform:
    """Starts on a free loopback port; `url` is its issuer."""

    def __init__(self, client_id="repere-tool", deployment="dep-1"):
        self.client_id = client_id
        self.deployment = deployment
        self.key, self.kid = new_key(), "platform-key-1"
        self.published = [(self.key, self.kid)]  # what /jwks serves
        self.pending = {}       # lti_message_hint -> launch description
        self.tool_url = ""      # Repère's base URL, for its key set and redirect URI
        self.scores = []        # (bearer, body) received
        self.down_for = 0       # score posts still to refuse with 503
        self.refused_posts = 0
        self.tokens = {}        # access token -> scopes given
        self.assertions = []    # the tool's client assertions, decoded
        self.deep_links = []    # verified LtiDeepLinkingResponse claims
        self.errors = []        # what the platform found wrong in the tool's messages
        self.jwks_fetches = 0
        self.token_override = None  # a hand-made id_token to answer the next login with
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()

    def rotate(self):
        """A new signing key; the old one stays published, as platforms do."""
        self.key, self.kid = new_key(), f"platform-key-{len(self.published) + 1}"
        self.published.append((self.key, self.kid))

    def tool_keys(self):
        with urllib.request.urlopen(self.tool_url + "/lti/jwks.json", timeout=10) as r:
            return json.loads(r.read())

    def verify_from_tool(self, token, audience):
        keys = self.tool_keys()
        kid = jwt.get_unverified_header(token)["kid"]
        jwk = next(k for k in keys["keys"] if k["kid"] == kid)
        return jwt.decode(token, RSAAlgorithm.from_jwk(json.dumps(jwk)), algorithms=["RS256"],
                          audience=audience)

    # The launches the tests ask for ---------------------------------------------------------
    def login_url(self, hint, **launch):
        """The third-party login that starts a launch (what the platform's page links to)."""
        self.pending[hint] = launch
        q = {"iss": self.url, "login_hint": launch.get("sub", "u"),
             "target_link_uri": launch.get("target_link_uri", self.tool_url + "/lti/launch"),
             "lti_message_hint": hint, "client_id": self.client_id,
             "lti_deployment_id": launch.get("deployment", self.deployment)}
        return self.tool_url + "/lti/login?" + urllib.parse.urlencode(q)

    def claims_for(self, launch, nonce):
        now = int(time.time())
        c = {
            "iss": self.url, "aud": launch.get("aud", self.client_id), "sub": launch["sub"],
            "iat": now, "exp": now + launch.get("ttl", 300), "nonce": nonce,
            "given_name": launch.get("given_name", ""), "family_name": "Durand",
            "name": launch.get("given_name", "") + " Durand",
            CLAIM + "message_type": launch.get("message_type", "LtiResourceLinkRequest"),
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": launch.get("deployment", self.deployment),
            CLAIM + "roles": launch["roles"],
            CLAIM + "context": {"id": launch.get("context", "course-5A"), "title": "5e A"},
            CLAIM + "target_link_uri": launch.get("target_link_uri", self.tool_url + "/lti/launch"),
        }
        if c[CLAIM + "message_type"] == "LtiResourceLinkRequest":
            c[CLAIM + "resource_link"] = {"id": launch.get("link", "link-1"), "title": "Lien"}
        else:
            c[DL + "deep_linking_settings"] = {
                "deep_link_return_url": self.url + "/dl-return", "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": True, "data": "opaque-data-42"}
        if "custom" in launch:
            c[CLAIM + "custom"] = launch["custom"]
        c[NRPS] = {"context_memberships_url": self.url + "/memberships/5A",
                   "service_versions": ["2.0"]}
        if "lineitem" in launch:
            c[AGS] = {"scope": [SCORE_SCOPE], "lineitem": launch["lineitem"]}
        return c

    def id_token(self, launch, nonce):
        claims = self.claims_for(launch, nonce)
        claims.update(launch.get("override", {}))
        alg = launch.get("alg", "RS256")
        if alg == "none":
            return jwt.encode(claims, None, algorithm="none", headers={"kid": self.kid})
        if alg == "HS256":  # the public key's PEM as an HMAC secret: a classic confusion attack
            secret = self.key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            import hmac, hashlib, base64
            b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
            head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": self.kid}).encode())
            body = b64(json.dumps(claims).encode())
            sig = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
            return f"{head}.{body}.{b64(sig)}"
        key = launch.get("sign_with", self.key)
        return jwt.encode(claims, pem(key), algorithm="RS256", headers={"kid": self.kid})

    # HTTP ------------------------------------------------------------------------------------
    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body, ctype="application/json"):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def form(self):
                n = int(self.headers.get("Content-Length", "0"))
                return {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(n).decode()).items()}

            def do_GET(self):
                u = urllib.parse.urlparse(self.path)
                if u.path == "/jwks":
                    platform.jwks_fetches += 1
                    return self.reply(200, json.dumps(
                        {"keys": [public_jwk(k, kid) for k, kid in platform.published]}))
                if u.path == "/auth":
                    return self.authorise(dict(urllib.parse.parse_qsl(u.query)))
                if u.path == "/memberships/5A":
                    bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if NRPS_SCOPE not in platform.tokens.get(bearer, ""):
                        platform.errors.append("roster read without a roster token")
                        return self.reply(401, "{}")
                    if self.headers.get("Accept") != \
                            "application/vnd.ims.lti-nrps.v2.membershipcontainer+json":
                        platform.errors.append("roster asked as " + self.headers.get("Accept", ""))
                    return self.reply(200, json.dumps({"id": platform.url + "/memberships/5A",
                                                       "context": {"id": "course-5A"},
                                                       "members": MEMBERS}),
                                      "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
                self.reply(404, "{}")

            def authorise(self, q):
                expected = {"scope": "openid", "response_type": "id_token",
                            "response_mode": "form_post", "prompt": "none",
                            "client_id": platform.client_id,
                            "redirect_uri": platform.tool_url + "/lti/launch"}
                for k, v in expected.items():
                    if q.get(k) != v:
                        platform.errors.append(f"auth request: {k} = {q.get(k)!r}, not {v!r}")
                        return self.reply(400, "bad auth request")
                launch = platform.pending.get(q.get("lti_message_hint", ""))
                if launch is None or not q.get("nonce") or not q.get("state"):
                    platform.errors.append("auth request without hint, nonce or state")
                    return self.reply(400, "unknown launch")
                token = platform.token_override or platform.id_token(launch, q["nonce"])
                platform.token_override = None
                page = ('<form method="post" action="%s"><input type="hidden" name="id_token" '
                        'value="%s"><input type="hidden" name="state" value="%s"></form>'
                        % (q["redirect_uri"], token, q["state"]))
                self.reply(200, page, "text/html")

            def do_POST(self):
                u = urllib.parse.urlparse(self.path)
                if u.path == "/token":
                    return self.token(self.form())
                if u.path.endswith("/scores"):
                    return self.score(u.path)
                if u.path == "/dl-return":
                    return self.deep_link(self.form())
                self.reply(404, "{}")

            def token(self, f):
                try:
                    assert f.get("grant_type") == "client_credentials"
                    assert f.get("client_assertion_type") == \
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                    scopes = f.get("scope", "").split()
                    assert scopes and all(x in (SCORE_SCOPE, NRPS_SCOPE) for x in scopes)
                    claims = platform.verify_from_tool(f["client_assertion"], platform.url + "/token")
                    assert claims["iss"] == platform.client_id and claims["sub"] == platform.client_id
                    assert claims["exp"] > time.time() and claims.get("jti")
                except Exception as e:  # noqa: BLE001 - any failure is the tool's
                    platform.errors.append(f"token request: {e!r}")
                    return self.reply(401, json.dumps({"error": "invalid_client"}))
                platform.assertions.append(claims)
                tok = uuid.uuid4().hex
                platform.tokens[tok] = " ".join(scopes)
                self.reply(200, json.dumps({"access_token": tok, "token_type": "Bearer",
                                            "expires_in": 3600, "scope": " ".join(scopes)}))

            def score(self, path):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                if platform.down_for > 0:
                    platform.down_for -= 1
                    platform.refused_posts += 1
                    return self.reply(503, "{}")
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if SCORE_SCOPE not in platform.tokens.get(bearer, ""):
                    platform.errors.append("score posted without a valid token")
                    return self.reply(401, "{}")
                if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
                    platform.errors.append("score with content type " + self.headers.get("Content-Type", ""))
                platform.scores.append((path, json.loads(body)))
                self.reply(204, b"")

            def deep_link(self, f):
                try:
                    claims = platform.verify_from_tool(f["JWT"], platform.url)
                    assert claims["iss"] == platform.client_id
                    assert claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
                    assert claims[CLAIM + "version"] == "1.3.0"
                    assert claims[CLAIM + "deployment_id"] == platform.deployment
                    assert claims[DL + "data"] == "opaque-data-42"
                    assert claims.get("nonce")
                except Exception as e:  # noqa: BLE001
                    platform.errors.append(f"deep link response: {e!r}")
                    return self.reply(400, "refused", "text/plain")
                platform.deep_links.append(claims)
                self.reply(200, "<p>Ajouté</p>", "text/html")

        return Handler
