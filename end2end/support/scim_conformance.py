"""Runs scim2-tester, an independent SCIM 2.0 conformance checker, against a
running Roster: reads {"base": ..., "token": ...} on stdin, prints every
check's outcome as JSON on stdout. server/tests/scim.rs judges them.

scim2-tester is installed into tools/venv by `scripts/prerequisites --test`.
"""

import json
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import check_server


def main() -> None:
    given = json.load(sys.stdin)
    http = Client(
        base_url=given["base"],
        headers={"Authorization": f"Bearer {given['token']}"},
        timeout=30,
    )
    client = SyncSCIMClient(http)
    client.discover()
    # Roster's groups are its three roles, which cannot be created or
    # deleted, and every Group check starts by creating one: the Group
    # resource is checked through discovery and by server/tests/scim.rs.
    results = check_server(client, resource_types=["User"])
    json.dump(
        [
            {
                "status": result.status.name,
                "title": result.title,
                "resource_type": result.resource_type,
                "reason": result.reason,
            }
            for result in results
        ],
        sys.stdout,
    )


if __name__ == "__main__":
    main()
