"""What the OAI test scripts share: counting checks, a consistent copy of the demo library,
and `repere serve` started on a free port and stopped."""
import os
import shutil
import sqlite3
import subprocess
import sys

failures = 0
passed = 0


def check(ok, what):
    global failures, passed
    print(("ok   " if ok else "FAIL ") + what)
    if ok:
        passed += 1
    else:
        failures += 1


def finish():
    print(f"{passed} passed, {failures} failed")
    sys.exit(1 if failures else 0)


def copy_demo(demo, lib):
    """Copies the demo library into `lib` (its catalog as one consistent snapshot: other tests
    write to it meanwhile); returns how many contents are published."""
    shutil.copytree(demo, lib, ignore=shutil.ignore_patterns("catalog.sqlite*"))
    src = sqlite3.connect(os.path.join(demo, "catalog.sqlite"))
    src.execute("VACUUM INTO ?", (os.path.join(lib, "catalog.sqlite"),))
    src.close()
    db = sqlite3.connect(os.path.join(lib, "catalog.sqlite"))
    published = db.execute("SELECT count(*) FROM content WHERE status = 'published'").fetchone()[0]
    db.close()
    return published


def serve(repere, lib, *settings):
    """`repere serve` on a free port, with `--set` settings; returns (process, port)."""
    cmd = [repere, "serve", "--data", lib, "--port", "0"]
    for s in settings:
        cmd += ["--set", s]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    port = int(server.stdout.readline().rsplit(":", 1)[1].split("/")[0])
    return server, port


def stop(server):
    server.terminate()
    try:
        server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.communicate()
