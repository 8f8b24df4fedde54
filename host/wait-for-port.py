# wait-for-port.py — one try of tpx's wait_for with search_regex on a port (host/wait-for.sh runs
# it as `cd / && python3 -E -s -S -c SCRIPT MILLISECONDS_LEFT`, the request on stdin as JSON:
# {"host", "port", "regex", "connect_timeout"}).
#
# Why python3: the pattern is a Python regular expression, matched as Ansible matches it (bytes,
# re.MULTILINE) against all the service has sent so far; sh has no way to read a socket with a
# deadline. Only the standard library; `cd /`, -E -s -S keep the user's Python setup out.
#
# It connects (within connect_timeout, and no longer than the time left), then reads what the
# service sends until the pattern matches (exit 0), the service closes or the time is up (exit
# 1). A failed connection is exit 1 too: the caller sleeps and tries again. Exit 3 with one line
# on stdout: an error to report (a pattern Python refuses). At most MAX_DATA bytes are kept: a
# service that sends more without a match counts as not matched (Ansible keeps it all).
import json
import math
import re
import select
import socket
import sys
import time

MAX_DATA = 16 * 1024 * 1024


def main():
    request = json.loads(sys.stdin.read())
    end = time.monotonic() + max(0, int(sys.argv[1])) / 1000
    try:
        pattern = re.compile(request['regex'].encode('utf-8', 'surrogateescape'), re.MULTILINE)
    except re.error as err:
        print('Invalid regular expression: %s' % err)
        return 3
    left = math.ceil(end - time.monotonic())
    try:
        sock = socket.create_connection((request['host'], request['port']), min(request['connect_timeout'], left))
    except (OSError, ValueError):
        return 1
    matched = False
    data = b''
    try:
        while time.monotonic() < end and len(data) <= MAX_DATA:
            if not select.select([sock], [], [], max(0, end - time.monotonic()))[0]:
                continue
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            if pattern.search(data):
                matched = True
                break
    except OSError:
        pass
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
    return 0 if matched else 1


try:
    sys.exit(main())
except Exception as err:  # anything unforeseen is reported, never taken for "no match yet"
    print('reading the port failed: %s: %s' % (type(err).__name__, err))
    sys.exit(3)
