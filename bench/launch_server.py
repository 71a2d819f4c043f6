#!/usr/bin/env python3
"""Starts cosmos-server and times its load, for server_bench.sh.

    launch_server.py OUT EXPECTED_PACKAGES LOG PORT -- SERVER ARGS...

The load time runs from just before the server is started to the first POST /package/search
that lists EXPECTED_PACKAGES packages. When the catalog is loaded (or the server died, or 300 s
passed) OUT is written as "<server pid> <load ms or failed>". The script then stays the server's
parent until it exits; SIGTERM is passed on to it.
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import time

HEADERS = {
    "Content-Type": "application/vnd.dcos.package.search-request+json;charset=utf-8;version=v1",
    "Accept": "application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1",
}


def main():
    out, expected, log, port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    command = sys.argv[6:] if sys.argv[5] == "--" else sys.argv[5:]
    start = time.monotonic()
    server = subprocess.Popen(command, stderr=open(log, "a"))
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    loaded = None
    while loaded is None and server.poll() is None and time.monotonic() - start < 300:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("POST", "/package/search", "{}", HEADERS)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status == 200 and len(json.loads(body)["packages"]) == expected:
                loaded = (time.monotonic() - start) * 1000
        except (OSError, http.client.HTTPException):
            pass
        if loaded is None:
            time.sleep(0.002)
    with open(out + ".tmp", "w") as f:
        f.write("%d %s\n" % (server.pid, "%.0f" % loaded if loaded is not None else "failed"))
    os.rename(out + ".tmp", out)
    server.wait()


if __name__ == "__main__":
    main()
