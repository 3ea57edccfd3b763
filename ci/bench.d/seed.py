"""ci/bench's data: USERS users with TASKS tasks each, created over HTTP on
the target, and the request files wrk replays (list, get, create), each line
"METHOD PATH TOKEN" with an HS256 token minted with the target's secret.

Usage: seed.py BASE_URL SECRET USERS TASKS OUT_DIR
Standard library only; exits non-zero if the target refuses a request.
"""
import base64
import hashlib
import hmac
import http.client
import json
import sys
import time
import urllib.parse
import uuid


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(secret: str, user: str) -> str:
    now = int(time.time())
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"sub": user, "user_id": user, "email": f"{user}@bench.example", "iat": now, "exp": now + 3600}
    payload = b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def main() -> None:
    base, secret, users, tasks, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    run = uuid.uuid4().hex[:8]
    lists, gets, creates = [], [], []
    for n in range(users):
        user = f"bench-{run}-{n}"
        bearer = token(secret, user)
        path = f"/api/{user}/tasks"
        for t in range(tasks):
            body = json.dumps({"title": f"bench task {t}", "description": "seeded by ci/bench"})
            connection.request("POST", path, body, {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"})
            answer = connection.getresponse()
            created = answer.read()
            if answer.status != 201:
                sys.exit(f"seed.py: POST {path} answered {answer.status}: {created[:200]!r}")
            gets.append(f"GET {path}/{json.loads(created)['id']} {bearer}")
        lists.append(f"GET {path} {bearer}")
        creates.append(f"POST {path} {bearer}")
    for name, lines in (("list", lists), ("get", gets), ("create", creates)):
        with open(f"{out}/{name}.txt", "w") as file:
            file.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
