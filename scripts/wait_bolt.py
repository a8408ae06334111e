"""Wait until a Bolt server answers a query (polls; never a fixed sleep)."""

from __future__ import annotations

import sys
import time

from neo4j import GraphDatabase
from neo4j.exceptions import ServiceUnavailable, SessionExpired


def main() -> int:
    uri, limit = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 120.0
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with GraphDatabase.driver(uri, auth=None) as driver:
                driver.execute_query("RETURN 1")
            return 0
        except (ServiceUnavailable, SessionExpired, OSError):
            time.sleep(0.5)
    print(f"Neo4j at {uri} did not answer within {limit:.0f} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
