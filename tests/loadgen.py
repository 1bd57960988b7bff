"""A load generator for `crosstally serve`, run as its own process: CLIENTS concurrent clients, each
with its own connection, request pages and JSON twins one after another for SECONDS; prints one
JSON object with the requests made, the statuses, the errors and the latency percentiles.

    python -m tests.loadgen http://127.0.0.1:8000 --clients 200 --seconds 30 --token TOKEN
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter

import httpx

PATHS = ["/", "/index.json", "/stories", "/stories/S1", "/stories/S1.json", "/conflicts", "/conflicts.json",
         "/claims?measure=killed", "/claims.json?per_page=100", "/articles", "/articles.json",
         "/search?q=killed", "/search.json?q=storm", "/claimants/regional%20governor", "/slots/S1.1.json",
         "/openapi.json", "/static/style.css"]


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


async def client(n: int, base: str, headers: dict, until: float, latencies: list[float], statuses: Counter,
                 errors: Counter) -> None:
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120, trust_env=False) as http:
        i = n
        while time.monotonic() < until:
            path = PATHS[i % len(PATHS)]
            i += 1
            started = time.perf_counter()
            try:
                r = await http.get(path)
                await r.aread()
                statuses[r.status_code] += 1
            except httpx.HTTPError as e:
                errors[f"{type(e).__name__}: {e}"[:200]] += 1
                continue
            latencies.append(time.perf_counter() - started)


async def main(base: str, clients: int, seconds: float, token: str | None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors: Counter = Counter()
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(client(n, base, headers, until, latencies, statuses, errors) for n in range(clients)))
    took = time.monotonic() - started
    latencies.sort()
    ms = {f"p{p}": round(1000 * percentile(latencies, p), 1) for p in (50, 90, 95, 99)}
    return {"clients": clients, "seconds": round(took, 1), "requests": sum(statuses.values()),
            "per_second": round(sum(statuses.values()) / took, 1), "statuses": {str(k): v for k, v in statuses.items()},
            "errors": dict(errors), "latency_ms": {**ms, "max": round(1000 * (latencies[-1] if latencies else 0), 1)}}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--token")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.base, args.clients, args.seconds, args.token))))
