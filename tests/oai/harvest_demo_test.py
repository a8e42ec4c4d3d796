#!/usr/bin/env python3
"""The demo library harvested as another catalogue would: Debian's OAI-PMH harvester (Perl
HTTP::OAI) takes every record in lom and oai_dc through resumption tokens ten at a time; every
ScoLOMFR record validates against the ScoLOMFR 3.2.1 XSD (xmllint); a POST asks the same; a
retired content comes back as a deleted record; `repere gar-notice` validates too.
Usage: harvest_demo_test.py REPERE_BINARY DEMO_DATA_DIR SOURCE_DIR SHARED_DIR"""
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

from library import check, copy_demo, finish, serve, stop

repere, demo, source, shared = sys.argv[1:5]
xsd_dir = os.path.join(shared, "standards/scolomfr/xsd-3.2.1")
def get(base, **args):
    with urllib.request.urlopen(base + "?" + urllib.parse.urlencode(args), timeout=60) as r:
        return r.read().decode("utf-8")


def harvest(base, prefix):
    out = subprocess.run(["perl", os.path.join(source, "tests/oai/harvest.pl"), base, prefix],
                         capture_output=True, text=True, timeout=300)
    m = re.search(r"records: (\d+) deleted: (\d+)", out.stdout)
    if out.returncode != 0 or not m:
        print(out.stdout, out.stderr)
        return -1, -1
    return int(m.group(1)), int(m.group(2))


def validate(records, folder):
    files = []
    for i, lom in enumerate(records):
        path = os.path.join(folder, f"record-{i}.xml")
        with open(path, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n' + lom)
        files.append(path)
    r = subprocess.run(["xmllint", "--noout", "--schema", "scolomfr.xsd"] + files, cwd=xsd_dir,
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr[:3000])
    return r.returncode == 0 and r.stderr.count(" validates") == len(files)


with tempfile.TemporaryDirectory() as tmp:
    lib = os.path.join(tmp, "lib")
    published = copy_demo(demo, lib)
    server, port = serve(repere, lib, "oai.page_size=10")
    try:
        base = f"http://127.0.0.1:{port}/oai"
        for prefix in ("lom", "oai_dc"):
            n, deleted = harvest(base, prefix)
            check(n == published and deleted == 0,
                  f"HTTP::OAI harvests all {published} published contents in {prefix} ({n})")
        # Every lom record, page by page as the tokens lead.
        records, pages, args = [], 0, {"verb": "ListRecords", "metadataPrefix": "lom"}
        while pages < 100:
            answer = get(base, **args)
            pages += 1
            records += re.findall(r"<lom:lom .*?</lom:lom>", answer, re.S)
            token = re.search(r"<resumptionToken[^>]*>([^<]+)</resumptionToken>", answer)
            if not token:
                break
            args = {"verb": "ListRecords", "resumptionToken": token.group(1)}
        check(len(records) == published and pages == (published + 9) // 10,
              f"{len(records)} lom records in {pages} pages of 10")
        check(validate(records, tmp), "every lom record validates against scolomfr.xsd")
        body = urllib.parse.urlencode({"verb": "Identify"}).encode()
        with urllib.request.urlopen(urllib.request.Request(base, data=body), timeout=30) as r:
            check("<repositoryName>" in r.read().decode() and
                  r.headers["Content-Type"].startswith("text/xml"), "POST asks the same as GET")
        retired = subprocess.run([repere, "retire", "--data", lib, "1"], capture_output=True,
                                 text=True)
        n, deleted = harvest(base, "oai_dc")
        check(retired.returncode == 0 and n == published and deleted == 1,
              f"a retired content is a deleted record ({n} records, {deleted} deleted)")
    finally:
        stop(server)
    notice = subprocess.run([repere, "gar-notice", "--data", lib], capture_output=True, text=True)
    check(notice.returncode == 0 and "http://data.education.fr/gar" in notice.stdout,
          "repere gar-notice prints a notice with the GAR label")
    check(validate([notice.stdout[notice.stdout.find("<lom:lom"):]], tmp),
          "the GAR notice validates against scolomfr.xsd")

finish()
