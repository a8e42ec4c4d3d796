#!/usr/bin/env python3
"""`repere serve` as an operator runs it: it prints its address, answers, writes an access
log, refuses a port already taken with a clear message, and stops cleanly on SIGTERM and on
SIGINT (exit 0, "Stopped."). Usage: serve_stop_test.py REPERE_BINARY"""
import json
import signal
import subprocess
import sys
import tempfile
import urllib.request

repere = sys.argv[1]
failures = 0
passed = 0


def check(ok, what):
    global failures, passed
    print(("ok   " if ok else "FAIL ") + what)
    if ok:
        passed += 1
    else:
        failures += 1


with tempfile.TemporaryDirectory() as tmp:
    lib = tmp + "/lib"
    subprocess.run([repere, "init", lib], check=True, capture_output=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        server = subprocess.Popen([repere, "serve", "--data", lib, "--port", "0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = server.stdout.readline()
        check("http://localhost:" in first, f"prints its address ({first.strip()})")
        port = int(first.rsplit(":", 1)[1].split("/")[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=10) as r:
            check(json.load(r)["contents"] == 0, "answers /api/v1/health")
        taken = subprocess.run([repere, "serve", "--data", lib, "--port", str(port)],
                               capture_output=True, text=True, timeout=30)
        check(taken.returncode != 0 and "cannot listen" in taken.stderr,
              "a port already taken is refused with a clear message")
        server.send_signal(sig)
        try:
            out, err = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            out, err = server.communicate()
        check(server.returncode == 0 and "Stopped." in out,
              f"{signal.Signals(sig).name} stops it cleanly (exit {server.returncode})")
        check("GET /api/v1/health 200" in err, "the access log has the request")

print(f"{passed} passed, {failures} failed")
sys.exit(1 if failures else 0)
