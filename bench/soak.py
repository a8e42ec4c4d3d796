#!/usr/bin/env python3
"""bench/soak: `repere serve` under a long mixed load, to find what a short benchmark cannot
(a crash, a leak, an error that comes once in a million). Starts the server on a free port of
loopback for DATA_DIR, then CLIENTS threads send, over keep-alive connections, for SECONDS:
/api/v1/search at semantic ratios 0, 0.5 and 1, and the /recherche page, over a fixed list of
French queries (and a few hostile ones). Every 10 s it samples the server's resident memory.
Prints requests, errors (status >= 500, a dropped connection, a server that died), requests per
second and the memory at the first sample, its maximum and at the end. Never fails on time;
exits 1 when the server died or answered 5xx.

Usage: bench/soak.py REPERE_BINARY DATA_DIR [SECONDS=1800] [CLIENTS=4]"""
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

QUERIES = ["comment les plantes fabriquent leur matière", "pourquoi le ciel est bleu",
           "le théorème de Pythagore", "les séismes et les volcans", "la vitesse de la lumière",
           "circulation du sang", "fractions égales", "la digestion des aliments",
           "énergie et puissance électrique", "les microbes et l'hygiène",
           "probabilité d'un événement", "masse volumique de l'eau", "Louis XIV",
           "xyzzy qwerty", "\"phrase exacte\" -moins", "titre:volcan", "a" * 300,
           "é'(-è_çà)=", "l’ADN « œuf »"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def wait_ready(port, proc, seconds=120):
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            return False
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/v1/health")
            if c.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.3)
    return False


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors = 0
        self.first_errors = []

    def add(self, ok, what=""):
        with self.lock:
            self.requests += 1
            if not ok:
                self.errors += 1
                if len(self.first_errors) < 5:
                    self.first_errors.append(what)


def client(port, deadline, index, tally, proc):
    conn = None
    n = index
    while time.time() < deadline and proc.poll() is None:
        q = QUERIES[n % len(QUERIES)]
        kind = n % 4
        n += 1
        if kind == 3:
            path = "/recherche?" + urllib.parse.urlencode({"q": q})
        else:
            ratio = ("0", "0.5", "1")[kind]
            path = "/api/v1/search?" + urllib.parse.urlencode({"q": q, "ratio": ratio})
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            tally.add(r.status < 500, f"{r.status} {path[:80]}")
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            tally.add(False, f"{type(e).__name__} {path[:80]}")
            conn = None


def main(binary, data, seconds="1800", clients="4"):
    seconds, clients = float(seconds), int(clients)
    port = free_port()
    # The server's log goes to a file: a pipe nobody reads would fill and block the server.
    log_path = os.path.join(data, "soak-server.log")
    log = open(log_path, "wb")
    proc = subprocess.Popen([binary, "serve", "--data", data, "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    if not wait_ready(port, proc):
        proc.kill()
        sys.exit(f"bench/soak: the server did not start: see {log_path}")
    tally = Tally()
    start = time.time()
    deadline = start + seconds
    threads = [threading.Thread(target=client, args=(port, deadline, i, tally, proc))
               for i in range(clients)]
    for t in threads:
        t.start()
    samples = []
    while time.time() < deadline and proc.poll() is None:
        rss = rss_kib(proc.pid)
        if rss:
            samples.append(rss)
        time.sleep(min(10, max(0.1, deadline - time.time())))
    for t in threads:
        t.join()
    died = proc.poll() is not None
    end_rss = rss_kib(proc.pid)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    elapsed = time.time() - start
    print(f"bench/soak: {clients} clients for {elapsed:.0f} s on {data}")
    print(f"  requests {tally.requests}, errors {tally.errors}, "
          f"{tally.requests / elapsed:.0f} requests/s, server {'DIED' if died else 'up'}")
    if samples:
        print(f"  resident memory: first sample {samples[0] / 1024:.1f} MiB, "
              f"max {max(samples) / 1024:.1f} MiB, end "
              f"{(end_rss or samples[-1]) / 1024:.1f} MiB ({len(samples)} samples)")
    for e in tally.first_errors:
        print(f"  error: {e}")
    log.close()
    print(f"  server log: {log_path} ({os.path.getsize(log_path)} bytes)")
    sys.exit(1 if died or tally.errors else 0)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(*sys.argv[1:5])
