"""Print shell assignments of real ids from a running demo service, for schemathesis.toml.

Usage: demo_ids.py BASE_URL TOKEN. Reads only public routes and the organiser queues, as
a client would: the organisation tree, the shift board, the approval queue, a volunteer search.
"""

from __future__ import annotations

import json
import shlex
import sys
import urllib.request
from typing import Any


def get(base: str, path: str, token: str) -> Any:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main(base: str, token: str) -> None:
    [root] = get(base, "/v1/organizations", token)["organisations"]
    [shift] = get(base, "/v1/shifts?open=true&limit=1", token)["items"]
    [record] = get(base, "/v1/service-records?status=pending&limit=1", token)["items"]
    [volunteer] = get(base, f"/v1/organizations/{root['id']}/volunteers?limit=1", token)["items"]
    ids = {
        "DEMO_ORGANIZATION_ID": root["id"],
        "DEMO_SHIFT_ID": shift["id"],
        "DEMO_ACTIVITY_ID": shift["activity_id"],
        "DEMO_RECORD_ID": record["id"],
        "DEMO_VOLUNTEER_ID": volunteer["id"],
    }
    for name, value in ids.items():
        print(f"export {name}={shlex.quote(str(value))}")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])
