#!/usr/bin/env python3
"""Two Repère instances on loopback: B harvests A (the demo library) with `repere harvest`; B's
search for words said in one of A's videos finds the moment and links to it on A; retiring
the item on A removes it from B at the next harvest; A down, B keeps what it had and says so.
Then a hostile partner (a server of this test): a 50 MB record, an answer that never ends,
entity expansion, a script in
a title and a javascript: link, an endless resumption loop, a record without a title, a
partner that goes down in the middle of a harvest — each refused or bounded, what came kept,
B's pages never carrying the markup.
Usage: harvest_test.py REPERE_BINARY DEMO_DATA_DIR"""
import http.server
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import library
from library import check, copy_demo, finish, stop

repere, demo = sys.argv[1:3]
def run(*args, timeout=600):
    return subprocess.run([repere, *args], capture_output=True, text=True, timeout=timeout)


def serve(lib, *settings):
    return library.serve(repere, lib, *settings)


def external_count(lib):
    db = sqlite3.connect(os.path.join(lib, "catalog.sqlite"))
    n = db.execute("SELECT count(*) FROM content WHERE json_extract(metadata, '$.harvested_from')"
                   " IS NOT NULL").fetchone()[0]
    db.close()
    return n


def search(lib, query):
    out = run("search", query, "--data", lib, "--json")
    return json.loads(out.stdout) if out.returncode == 0 else {"hits": []}


# A hostile partner: what it answers depends on the first part of the path.
OAI_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/'
            'OAI/2.0/"><responseDate>2026-12-01T00:00:00Z</responseDate><request>x</request>')


def record(ident, title, url="https://partner.example/r", description="Un texte sur les volcans."):
    return (f'<record><header><identifier>{ident}</identifier><datestamp>2026-12-01T00:00:00Z'
            f'</datestamp></header><metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/'
            f'OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'{"<dc:title>" + title + "</dc:title>" if title else ""}<dc:description>'
            f'{description}</dc:description><dc:identifier>{url}</dc:identifier></oai_dc:dc>'
            f'</metadata></record>')


# The "flaky" partner goes down after its first page, until it is back.
FLAKY = {"down": False, "back": False}
# Whether the harvester hung up on the answer that never ends.
ENDLESS = {"cut": False}


class Hostile(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        mode = self.path.split("/")[1]
        args = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        verb = args.get("verb", [""])[0]
        if mode == "flaky" and verb != "Identify" and "resumptionToken" in args and FLAKY["down"] \
                and not FLAKY["back"]:
            self.send_response(503)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if verb == "Identify":
            body = OAI_HEAD + f"<Identify><repositoryName>Hostile {mode}</repositoryName></Identify></OAI-PMH>"
        elif mode == "big":
            body = OAI_HEAD + "<ListRecords>" + record("big:1", "Gros", description="x" * (50 << 20)) + "</ListRecords></OAI-PMH>"
        elif mode == "endless":  # no Content-Length, and a record that never ends
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.end_headers()
            try:
                self.wfile.write((OAI_HEAD + "<ListRecords><record><header><identifier>e:1"
                                  "</identifier>").encode())
                chunk = b"x" * (1 << 20)
                for _ in range(1000):  # 1 GB at most, should the harvester not stop
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                ENDLESS["cut"] = True
            return
        elif mode == "entities":
            body = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
                    '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;'
                    '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' + OAI_HEAD[38:] +
                    "<ListRecords>" + record("ent:1", "&lol3;") + "</ListRecords></OAI-PMH>")
        elif mode == "script":
            body = OAI_HEAD + "<ListRecords>" + record(
                "script:1", "&lt;script&gt;alert(1)&lt;/script&gt; Les volcans",
                url="javascript:alert(1)") + "</ListRecords></OAI-PMH>"
        elif mode == "flaky" and "resumptionToken" not in args:
            FLAKY["down"] = True
            body = OAI_HEAD + "<ListRecords>" + record("flaky:1", "Les glaciers") + \
                "<resumptionToken>page-2</resumptionToken></ListRecords></OAI-PMH>"
        elif mode == "flaky":
            body = OAI_HEAD + "<ListRecords>" + record("flaky:2", "Les rivières") + \
                "<resumptionToken/></ListRecords></OAI-PMH>"
        elif mode == "loop":
            body = OAI_HEAD + "<ListRecords>" + record("loop:1", "Boucle") + \
                "<resumptionToken>toujours-le-meme</resumptionToken></ListRecords></OAI-PMH>"
        else:  # "bad": one record without a title among good ones
            body = OAI_HEAD + "<ListRecords>" + record("bad:1", "Les séismes") + \
                record("bad:2", "") + record("bad:3", "Les volcans") + "</ListRecords></OAI-PMH>"
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the harvester stopped reading: what it should do


with tempfile.TemporaryDirectory() as tmp:
    a_lib, b_lib = os.path.join(tmp, "a"), os.path.join(tmp, "b")
    published = copy_demo(demo, a_lib)
    run("init", b_lib)
    a, a_port = serve(a_lib, "oai.page_size=10", "oai.repository_name=Musée A")
    a_oai = f"http://127.0.0.1:{a_port}/oai"
    try:
        h = run("harvest", a_oai, "--data", b_lib)
        check(h.returncode == 0 and external_count(b_lib) == published,
              f"B harvests A's {published} published contents ({external_count(b_lib)}): "
              + h.stdout.strip().splitlines()[0] if h.stdout else h.stderr)
        check("page 2:" in h.stderr and "records/s" in h.stderr, "the harvest shows its progress")
        found = search(b_lib, "photosynthèse chlorophylle")
        video = [x for x in found["hits"] if x["content"]["kind"] == "video"]
        ok = bool(video) and video[0]["content"]["external_url"].startswith(
            f"http://localhost:{a_port}/contenus/") and video[0]["content"]["partner"] == "Musée A" \
            and video[0]["moments"] and video[0]["moments"][0]["start_ms"] is not None
        check(ok, "B's search finds a moment said in A's video, linking to A")
        b, b_port = serve(b_lib)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{b_port}/recherche?q=photosynth%C3%A8se",
                                        timeout=30) as r:
                page = r.read().decode()
            check("chez Musée A" in page and f'href="http://localhost:{a_port}/contenus/' in page
                  and "?t=" in page, "B's results say « chez Musée A » and link to the moment on A")
        finally:
            stop(b)
        again = run("harvest", a_oai, "--data", b_lib)
        check(again.returncode == 0 and "0 added, 0 updated, 0 removed" in again.stdout
              and "nothing changed since the last harvest" in again.stdout,
              "a second harvest asks only what changed")
        video_id = video[0]["content"]["external_url"].rsplit("/", 1)[1] if video else "0"
        run("retire", video_id, "--data", a_lib)
        gone = run("harvest", a_oai, "--data", b_lib)
        still = [x for x in search(b_lib, "photosynthèse chlorophylle")["hits"]
                 if x["content"]["external_url"] and x["content"]["external_url"].endswith("/" + video_id)]
        check(gone.returncode == 0 and "1 removed" in gone.stdout and not still,
              "the item retired on A leaves B at the next harvest")
        # A partner that `repere serve` harvests by itself, a few seconds after it starts.
        d_lib = os.path.join(tmp, "d")
        run("init", d_lib)
        d, d_port = serve(d_lib, "oai.partners=" + a_oai, "oai.harvest_minutes=60")
        try:
            hits, waited = 0, 0
            while hits == 0 and waited < 120:
                time.sleep(1)
                waited += 1
                try:  # no index until the first harvest: 404 or 503 meanwhile
                    with urllib.request.urlopen(
                            f"http://127.0.0.1:{d_port}/api/v1/search?q=photosynth%C3%A8se",
                            timeout=30) as r:
                        found = json.load(r)
                except urllib.error.HTTPError:
                    continue
                hits = len([x for x in found["hits"] if x["content"]["partner"] == "Musée A"])
            check(hits > 0, f"repere serve with oai.partners harvests A by itself (found after {waited} s)")
        finally:
            stop(d)
    finally:
        stop(a)
    before = external_count(b_lib)
    down = run("harvest", a_oai, "--data", b_lib, "--full", timeout=120)
    check(down.returncode != 0 and "did not answer" in down.stderr and "trying again" in down.stderr
          and external_count(b_lib) == before,
          f"A down: B retries, says so and keeps its {before} contents")

    # The hostile partner.
    hostile = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=hostile.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{hostile.server_address[1]}"
    c_lib = os.path.join(tmp, "c")
    run("init", c_lib)
    big = run("harvest", base + "/big/oai", "--prefix", "oai_dc", "--data", c_lib, timeout=120)
    check(big.returncode != 0 and "over 20 MB" in big.stderr and external_count(c_lib) == 0,
          "a 50 MB record is refused")
    endless = run("harvest", base + "/endless/oai", "--prefix", "oai_dc", "--data", c_lib, timeout=120)
    time.sleep(0.5)
    check(endless.returncode != 0 and "over 20 MB" in endless.stderr and ENDLESS["cut"],
          "an answer that never ends is cut off at 20 MB")
    ent = run("harvest", base + "/entities/oai", "--prefix", "oai_dc", "--data", c_lib, timeout=60)
    check(ent.returncode != 0 and "DOCTYPE" in ent.stderr, "entity expansion is refused")
    loop = run("harvest", base + "/loop/oai", "--prefix", "oai_dc", "--data", c_lib, timeout=60)
    check(loop.returncode != 0 and "same resumption token" in loop.stderr,
          "an endless resumption loop is stopped")
    bad = run("harvest", base + "/bad/oai", "--prefix", "oai_dc", "--data", c_lib, timeout=60)
    check(bad.returncode == 0 and "2 added" in bad.stdout and "bad:2" in bad.stderr
          and "no title" in bad.stderr, "a record without a title is reported and skipped")
    # Down during a harvest: the first page is kept, the partner asked again (Retry-After),
    # then the harvest fails; once the partner is back, the next harvest takes the rest.
    flaky = run("harvest", base + "/flaky/oai", "--prefix", "oai_dc", "--data", c_lib, timeout=120)
    kept = sqlite3.connect(os.path.join(c_lib, "catalog.sqlite")).execute(
        "SELECT count(*) FROM content WHERE external_id LIKE 'flaky:%'").fetchone()[0]
    check(flaky.returncode != 0 and "trying again in 1000 ms" in flaky.stderr and kept == 1,
          f"the partner down during a harvest: B keeps the first page ({kept}) and retries")
    FLAKY["back"] = True
    back = run("harvest", base + "/flaky/oai", "--prefix", "oai_dc", "--data", c_lib, timeout=120)
    kept = sqlite3.connect(os.path.join(c_lib, "catalog.sqlite")).execute(
        "SELECT count(*) FROM content WHERE external_id LIKE 'flaky:%'").fetchone()[0]
    check(back.returncode == 0 and kept == 2, f"back up, the next harvest takes the rest ({kept})")
    script = run("harvest", base + "/script/oai", "--prefix", "oai_dc", "--data", c_lib, timeout=60)
    c, c_port = serve(c_lib)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{c_port}/recherche?q=volcans", timeout=30) as r:
            page = r.read().decode()
        check(script.returncode == 0 and "<script>alert" not in page and "&lt;script&gt;" in page
              and "javascript:" not in page, "a script in a title stays text, a javascript: link is dropped")
    finally:
        stop(c)
    hostile.shutdown()

finish()
