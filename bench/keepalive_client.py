"""Sends N identical POSTs, one after the other, on one keep-alive HTTP/1.1 connection.

For bench/callgrind.sh: a server's instructions per request are counted while this client
talks to it, one request in flight at a time, so every request costs the server the same work.

    python3 bench/keepalive_client.py PORT N BODY_FILE [--path /] [--content-type TYPE]
                                       [--expect FILE]

Fails (exit 1) on any answer other than HTTP 200, or, with --expect, on any body other than
that file's bytes.
"""

import argparse
import http.client
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("port", type=int)
    parser.add_argument("requests", type=int)
    parser.add_argument("body_file")
    parser.add_argument("--path", default="/")
    parser.add_argument("--content-type", default="text/xml; charset=utf-8")
    parser.add_argument("--expect", help="a file holding the exact body every answer must have")
    args = parser.parse_args()

    with open(args.body_file, "rb") as f:
        body = f.read()
    expected = None
    if args.expect:
        with open(args.expect, "rb") as f:
            expected = f.read()

    connection = http.client.HTTPConnection("127.0.0.1", args.port)
    headers = {"Content-Type": args.content_type}
    for i in range(args.requests):
        connection.request("POST", args.path, body, headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            print(f"request {i + 1}: HTTP {response.status}", file=sys.stderr)
            return 1
        if expected is not None and answer != expected:
            print(f"request {i + 1}: an unexpected body of {len(answer)} bytes", file=sys.stderr)
            return 1
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
