"""Repère as an LTI 1.3 tool, against the test platform (lti_platform.py) on loopback: login
initiation, launches of teachers and pupils, deep linking with a signed response the platform
checks, a score posted to the platform's line item while it is down at first, key rotation on
both sides, the framing headers, the cookie fallback, and each forged launch refused with a log
line and no session.

Usage: lti_test.py REPERE DEMO_DATA_DIR"""
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "oai"))
sys.path.insert(0, os.path.dirname(__file__))
import library  # noqa: E402
from library import check  # noqa: E402
from lti_platform import Platform, new_key  # noqa: E402

TEACHER = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
LEARNER = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]


class Browser:
    """Just enough of a browser: cookies by name (and path prefix), redirects followed by hand."""

    def __init__(self, keep_cookies=True):
        self.cookies = {}  # name -> (value, path)
        self.keep = keep_cookies
        self.last_set = []

    def request(self, method, url, form=None, headers=None):
        u = urllib.parse.urlparse(url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        path = u.path + ("?" + u.query if u.query else "")
        h = dict(headers or {})
        jar = [f"{k}={v}" for k, (v, p) in self.cookies.items() if u.path.startswith(p)]
        if jar and u.hostname in ("localhost",):
            h["Cookie"] = "; ".join(jar)
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        self.last_set = r.headers.get_all("Set-Cookie") or []
        if self.keep:
            for c in self.last_set:
                name, rest = c.split("=", 1)
                value = rest.split(";", 1)[0]
                m = re.search(r"Path=([^;]+)", c)
                if "Max-Age=0" in c:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = (value, m.group(1) if m else "/")
        conn.close()
        return r.status, dict(r.headers), data

    def follow(self, method, url, form=None, limit=10):
        status, headers, body = self.request(method, url, form)
        while status in (301, 302, 303) and limit > 0:
            loc = headers["Location"]
            if loc.startswith("/"):
                u = urllib.parse.urlparse(url)
                loc = f"{u.scheme}://{u.netloc}{loc}"
            url = loc
            status, headers, body = self.request("GET", url)
            limit -= 1
        return status, headers, body, url


def hidden(body, name):
    m = re.search(r'name="%s" value="([^"]*)"' % name, body)
    return m.group(1) if m else None


def launch(browser, platform, hint, **kw):
    """The whole dance: login at the tool, the platform's authorisation, the form posted back."""
    status, headers, body, at = browser.follow("GET", platform.login_url(hint, **kw))
    if status != 200 or "id_token" not in body:
        return status, headers, body, at
    action = re.search(r'action="([^"]+)"', body).group(1)
    form = {"id_token": hidden(body, "id_token"), "state": hidden(body, "state")}
    launch.last_form = form
    return browser.follow("POST", action, form)


def main():
    repere, demo = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="repere-lti-")
    lib = os.path.join(tmp, "lib")
    library.copy_demo(demo, lib)
    platform = Platform()
    # A fixed free port, so that the platform's registration names the tool's real address.
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    tool = f"http://localhost:{port}"
    platform.tool_url = tool
    reg = subprocess.run([repere, "lti", "add-platform", "--data", lib, "--issuer", platform.url,
                          "--client-id", platform.client_id, "--name", "Moodle de test",
                          "--auth-url", platform.url + "/auth", "--token-url", platform.url + "/token",
                          "--jwks-url", platform.url + "/jwks", "--deployment", platform.deployment],
                         capture_output=True, text=True)
    check(reg.returncode == 0, "repere lti add-platform registers the platform: " + reg.stdout.strip())
    server = subprocess.Popen([repere, "serve", "--data", lib, "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server.stdout.readline()
    try:
        run(platform, tool, lib, repere)
    finally:
        server.terminate()
        try:
            _, log = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            _, log = server.communicate()
        platform.stop()
    check(not platform.errors, f"the platform found nothing wrong in the tool's messages {platform.errors}")
    for line in log.splitlines():
        if "LTI" in line:
            print("log: " + line)
    return log


def run(platform, tool, lib, repere):
    # The tool's key set: RSA keys with kids, no private part.
    keys = platform.tool_keys()
    check(len(keys["keys"]) == 1 and keys["keys"][0]["kty"] == "RSA" and "d" not in keys["keys"][0],
          "/lti/jwks.json publishes one RSA public key, no private member")

    # ---- A teacher's deep-linking launch: she lands in the picker, signed in.
    teacher = Browser()
    status, headers, body, at = launch(teacher, platform, "dl-1", sub="prof-1", roles=TEACHER,
                                       given_name="Camille", message_type="LtiDeepLinkingRequest")
    check(status == 200 and "/lti/choisir" in at and "Choisir dans Repère" in body,
          f"a deep-linking launch opens the picker ({status} {at})")
    check("repere_session" in teacher.cookies, "the teacher has a session")
    csp = headers.get("Content-Security-Policy", "")
    check(platform.url in csp and "frame-ancestors" in csp,
          "the picker may be framed by the registered platform's origin")
    # Search a moment, and make an interactive video to link with a grade.
    choose = at
    status, _, body, _ = teacher.follow("GET", choose + "&q=" + urllib.parse.quote("photosynthèse"))
    moments = re.findall(r'name="choix" value="(contenu:\d+@\d+)"', body)
    check(len(moments) >= 1, f"searching « photosynthèse » in the picker lists moments ({len(moments)})")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', body).group(1)
    status, _, listing, _ = teacher.follow("GET", tool + "/api/v1/contents?limit=100")
    contents = json.loads(listing)
    items = contents.get("contents", contents.get("items", []))
    video = next(c for c in items if c.get("kind") == "video" and (c.get("duration_ms") or 0) > 90000)
    activity = {"content_id": video["id"], "title": "Quiz LTI", "start_ms": 0, "end_ms": 80000,
                "interactions": [
                    {"type": "choice", "at_ms": 20000, "question": "Combien font 2 et 2 ?",
                     "choices": [{"text": "4", "correct": True}, {"text": "5"}]},
                    {"type": "true_false", "at_ms": 40000, "question": "Le ciel est bleu.",
                     "answer_true": True}]}
    u = urllib.parse.urlparse(tool)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.request("POST", "/api/v1/activities", body=json.dumps(activity),
                 headers={"Content-Type": "application/json", "X-CSRF-Token": csrf,
                          "Cookie": "repere_session=" + teacher.cookies["repere_session"][0]})
    made = conn.getresponse()
    made_body = json.loads(made.read())
    check(made.status == 201, f"the launched teacher makes an interactive video ({made.status})")
    activity_id = made_body["id"]
    interactions = [x["id"] for x in made_body["interactions"]]
    status, _, body, _ = teacher.follow("GET", choose)
    check(f'value="activite:{activity_id}"' in body, "the picker lists the teacher's interactive video")
    form = {"jeton": hidden(body, "jeton"), "csrf": csrf,
            "choix": [moments[0], f"activite:{activity_id}"]}
    status, headers, body, _ = teacher.follow("POST", tool + "/lti/choisir", form)
    check(status == 200 and platform.url + "/dl-return" in body and hidden(body, "JWT"),
          "« Ajouter à la plateforme » answers a form that posts the signed response back")
    check("form-action " + platform.url in headers.get("Content-Security-Policy", ""),
          "that page's policy lets its form go to the platform only")
    sent = Browser().request("POST", platform.url + "/dl-return", {"JWT": hidden(body, "JWT")})
    check(sent[0] == 200 and len(platform.deep_links) == 1,
          "the platform verifies the deep-linking response's signature and claims " + str(platform.errors))
    links = platform.deep_links[-1]["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    graded = [i for i in links if "lineItem" in i]
    check(len(links) == 2 and all(i["type"] == "ltiResourceLink" for i in links),
          "two ltiResourceLink items come back")
    check(len(graded) == 1 and graded[0]["lineItem"]["scoreMaximum"] == 2,
          "the interactive video carries a lineItem of 2 points; the moment none")
    again = teacher.follow("POST", tool + "/lti/choisir", form)
    check(again[0] == 404, "the picker's token is used up once answered")

    # ---- A pupil launches the graded link: she lands in class « 5e A » with no code to type.
    link = graded[0]
    platform.down_for = 1  # the platform is down for the first score post
    pupil = Browser()
    status, headers, body, at = launch(pupil, platform, "pupil-1", sub="eleve-42", roles=LEARNER,
                                       given_name="Léa", custom=link["custom"],
                                       target_link_uri=link["url"],
                                       lineitem=platform.url + "/lineitems/7/lineitem")
    check(status == 200 and "/classe/" in at, f"the pupil's launch opens her class's player ({at})")
    check("L. 1" in body, "she is known by a pseudonym: her initial and a number (« L. 1 »)")
    check("Léa" not in body and "Durand" not in body, "her name is not shown")
    code = at.rsplit("/", 1)[1]
    db_names = subprocess.run(["sqlite3", os.path.join(lib, "catalog.sqlite"),
                               "SELECT group_concat(p.pseudonym) FROM pupil p JOIN lti_pupil l ON l.pupil_id = p.id"], capture_output=True,
                              text=True).stdout
    check("Léa" not in db_names and "Durand" not in db_names, "nor stored: only the pseudonym is")
    token = pupil.cookies["repere_eleve"][0]
    for iid, response in [(interactions[0], {"chosen": [0]}), (interactions[1], {"answer": True})]:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        conn.request("POST", f"/api/v1/classes/{code}/answers",
                     body=json.dumps({"interaction_id": iid, "response": response}),
                     headers={"Content-Type": "application/json", "X-Pupil-Token": token})
        r = conn.getresponse()
        r.read()
        check(r.status == 200, f"the pupil answers question {iid} ({r.status})")
    deadline = time.time() + 120
    while time.time() < deadline and not any(b.get("activityProgress") == "Completed"
                                             for _, b in platform.scores):
        time.sleep(1)
    check(platform.refused_posts >= 1, "the platform was down for the first score post")
    done = [b for _, b in platform.scores if b.get("activityProgress") == "Completed"]
    check(len(done) == 1 and done[0]["scoreGiven"] == 2 and done[0]["scoreMaximum"] == 2 and
          done[0]["userId"] == "eleve-42" and done[0]["gradingProgress"] == "FullyGraded",
          f"the score still arrives once it is back: {done}")
    check(all(p == "/lineitems/7/lineitem/scores" for p, _ in platform.scores),
          "scores go to LINEITEM/scores")
    check(platform.assertions and platform.assertions[0]["aud"] == platform.url + "/token",
          "the token request was a JWT assertion signed by the tool, for the token endpoint")
    # The second launch of the same pupil: the same pupil, the same class.
    again = launch(Browser(), platform, "pupil-1b", sub="eleve-42", roles=LEARNER, given_name="Léa",
                   custom=link["custom"], target_link_uri=link["url"])
    check(again[3].endswith("/classe/" + code) and "L. 1" in again[2],
          "launched again, she is the same pupil of the same class")
    other = launch(Browser(), platform, "pupil-2", sub="eleve-43", roles=LEARNER, given_name="Noé",
                   custom=link["custom"], target_link_uri=link["url"])
    check("N. 2" in other[2], "a second pupil of the class is « N. 2 »")
    # The teacher reads the class's results with the platform's roster beside them.
    status, _, body, _ = teacher.follow("GET", tool + f"/activites/{activity_id}/resultats")
    check(status == 200 and "Inscrits sur Moodle de test" in body and
          "3 élève(s) inscrit(s), 2 ont commencé" in body,
          "the results page reads the platform's roster (Names and Role Provisioning)")
    check(re.search(r"Léa Durand</th><td>L\. 1", body) and re.search(r"Noé Martin</th><td>N\. 2", body),
          "each learner who started is shown with her pseudonym here")
    section = body[body.find("Inscrits sur"):body.find("</section>")]
    check("<li>Zoé Petit</li>" in section and "Parti Ailleurs" not in section and
          "Camille" not in section,
          "who has not started is listed; inactive members and teachers are not")
    names = subprocess.run(["sqlite3", os.path.join(lib, "catalog.sqlite"),
                            "SELECT count(*) FROM lti_pupil l JOIN pupil p ON p.id = l.pupil_id "
                            "WHERE p.pseudonym LIKE '%Zoé%' OR p.pseudonym LIKE '%Martin%'"],
                           capture_output=True, text=True).stdout.strip()
    check(names == "0", "the roster's names are not stored")

    # ---- A teacher's resource link to a moment lands on it, signed in.
    moment = next(i for i in links if "lineItem" not in i)
    t2 = Browser()
    status, headers, body, at = launch(t2, platform, "t-1", sub="prof-1", roles=TEACHER,
                                       custom=moment["custom"], target_link_uri=moment["url"])
    cid, sec = re.match(r"contenu:(\d+)@(\d+)", moment["custom"]["repere_target"]).groups()
    check(status == 200 and at.endswith(f"/contenus/{cid}?t={sec}") and "Se déconnecter" in body,
          f"a teacher's link to a moment opens it at its second, signed in ({at})")

    # ---- Key rotation: the platform signs with a new kid; the tool fetches its keys again.
    fetched = platform.jwks_fetches
    platform.rotate()
    status, _, body, at = launch(Browser(), platform, "rot", sub="prof-1", roles=TEACHER,
                                 custom=moment["custom"])
    check(status == 200 and platform.jwks_fetches == fetched + 1,
          "a launch signed with a new platform key passes after one fetch of its key set")
    rotated = subprocess.run([repere, "lti", "rotate-key", "--data", lib], capture_output=True, text=True)
    published = [k["kid"] for k in platform.tool_keys()["keys"]]
    check(rotated.returncode == 0 and len(published) == 2,
          "repere lti rotate-key: the new key and the previous one are published")

    # ---- The cookie fallback: a browser that drops the cookies in the frame is offered a window.
    blocked = Browser(keep_cookies=False)
    status, _, body, at = launch(blocked, platform, "blocked", sub="prof-1", roles=TEACHER,
                                 custom=moment["custom"])
    check(status == 200 and "nouvelle fenêtre" in body, "without cookies, the page offers a new window")
    window = re.search(r'href="(/lti/suite/[^"]+)"', body).group(1).replace("&amp;", "&")
    opened = Browser()
    status, _, body, at = opened.follow("GET", tool + window)
    check(at.endswith(f"/contenus/{cid}?t={sec}") and "repere_session" in opened.cookies,
          "the new window gets the session and the moment")

    # ---- Forged and broken launches: each refused, no session.
    def refused(what, **kw):
        b = Browser()
        status, _, body, _ = launch(b, platform, "neg-" + what, sub="prof-1", roles=TEACHER,
                                    custom=moment["custom"], **kw)
        check(status == 401 and "repere_session" not in b.cookies,
              f"refused without a session: {what} ({status})")

    refused("a wrong signature", sign_with=new_key())
    refused("an expired token", ttl=-3600)
    refused("a wrong audience", aud="another-tool")
    refused("an unknown deployment id",
            override={"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "dep-unknown"})
    b = Browser()
    status, _, _, _ = launch(b, platform, "neg-login-dep", sub="p", roles=TEACHER,
                             deployment="dep-unknown")
    check(status == 400 and "repere_session" not in b.cookies,
          "a login that names an unknown deployment is refused")
    refused("alg none", alg="none")
    refused("HS256 signed with the platform's public key", alg="HS256")
    refused("a wrong nonce", override={"nonce": "not-the-one-sent"})
    refused("a wrong issuer", override={"iss": "http://evil.example"})
    # A replay: the same id_token and state posted again.
    b = Browser()
    launch(b, platform, "replay", sub="prof-1", roles=TEACHER, custom=moment["custom"])
    status, _, _, _ = Browser().follow("POST", tool + "/lti/launch", launch.last_form)
    check(status == 401, "a replayed id_token and state are refused")
    # The same token with a new login's state: the nonce does not match.
    b = Browser()
    st, _, body, _ = b.follow("GET", platform.login_url("replay2", sub="prof-1", roles=TEACHER))
    form = {"id_token": launch.last_form["id_token"], "state": hidden(body, "state")}
    status, _, _, _ = b.follow("POST", tool + "/lti/launch", form)
    check(status == 401 and "repere_session" not in b.cookies,
          "a replayed id_token under a new login is refused (its nonce was used)")
    b = Browser()
    st, _, body, _ = b.follow("GET", platform.login_url("x", sub="p", roles=TEACHER,
                                                         target_link_uri="http://evil.example/"))
    check(st == 400, "a login whose target_link_uri is another host is refused")
    status, _, _, _ = Browser().follow("GET", tool + "/lti/login?" + urllib.parse.urlencode(
        {"iss": "http://unknown.example", "login_hint": "x", "target_link_uri": tool + "/lti/launch"}))
    check(status == 400, "a login from an unregistered issuer is refused")

    # ---- Staff pages are never framed; the admin page needs an administrator.
    status, headers, _ = Browser().request("GET", tool + "/connexion")
    check("frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""),
          "the sign-in page is never framed")
    status, _, _, at = teacher.follow("GET", tool + "/gestion/lti")
    check(status == 403, f"a launched teacher cannot open the platforms' page ({status})")
    made = subprocess.run([repere, "user", "add", "admin-lti", "--role", "admin", "--data", lib,
                           "--password-stdin"], input="un mot de passe solide\n",
                          capture_output=True, text=True)
    check(made.returncode == 0, "an administrator is added " + made.stderr.strip())
    admin = Browser()
    status, _, body, _ = admin.follow("GET", tool + "/connexion")
    admin.follow("POST", tool + "/connexion", {"identifiant": "admin-lti",
                                                "mot_de_passe": "un mot de passe solide"})
    status, _, body, _ = admin.follow("GET", tool + "/gestion/lti")
    check(status == 200 and tool + "/lti/login" in body and tool + "/lti/jwks.json" in body and
          "Moodle de test" in body, "the platforms' page gives the tool's addresses and lists the platform")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', body).group(1)
    form = {"csrf": csrf, "name": "ENT de test", "issuer": "https://ent.example",
            "client_id": "c-ent", "deployments": "d-1, d-2", "auth_url": "https://ent.example/auth",
            "token_url": "", "jwks_url": "https://ent.example/jwks"}
    status, _, body, _ = admin.follow("POST", tool + "/gestion/lti", form)
    check(status == 200 and "ENT de test" in body and "d-1, d-2" in body,
          "an administrator registers a platform from the page")
    form["jwks_url"] = "javascript:alert(1)"
    status, _, body, _ = admin.follow("POST", tool + "/gestion/lti", form)
    check(status == 400 and "JWKS URL" in body, "a registration with a bad URL is refused, naming the field")


if __name__ == "__main__":
    log = main()
    reasons = ["wrong audience", "has expired", "signature does not match", "unknown deployment id",
               "algorithm \"none\"", "algorithm \"HS256\"", "already used state", "nonce is not",
               "wrong issuer", "target_link_uri is not on this tool"]
    for r in reasons:
        check(r in log, f"the log says why: « {r} »")
    library.finish()
