"""Publishing against a local Mastodon server: time to verify, time to publish, exactly-once under faults.

Starts mastodon-mock (``mastodon_mock serve``, the dev extra) on loopback and prints:

- time to verify an account (``verify_credentials`` plus the instance's character limit), median and p99;
- time to publish one post through ``desktop.publishing.PlatformPublisher`` (intent stored, post sent,
  record completed), median and p99;
- the number of posts on the server after N publishes through a fault proxy that, in turn, answers
  500, drops the connection after the server got the post, or stalls past the client's timeout
  (target: exactly N).

    .venv/bin/python bench/publish_speed.py [--n 200] [--samples 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path

from common import REPO_ROOT, percentile

sys.path.insert(0, str(REPO_ROOT))  # tests.support: the mock server and the fault proxy

import requests

from checks import load_workspace
from desktop.platforms.mastodon import MastodonClient
from desktop.publishing import MastodonPosting, PlatformPublisher
from desktop.records import OutgoingPost, PublishError
from desktop.storage import Store
from tests.support.fault_proxy import FaultProxy
from tests.support.mastodon_server import TOKEN, start_mock_server, statuses_count

FAULTS = ("500", "drop_after_forward", "timeout", None)


def timings(run: object, samples: int) -> list[float]:
    out = []
    for _ in range(samples):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="publishes under injected faults (default 200)")
    parser.add_argument("--samples", type=int, default=100, help="timed verifies and publishes (default 100)")
    args = parser.parse_args()
    account = load_workspace().account("acme")
    with start_mock_server(Path(tempfile.mkdtemp())) as server, Store(Path(tempfile.mkdtemp()) / "db") as store:
        with MastodonClient(server.url, TOKEN) as client:
            verify = timings(lambda: (client.verify(), client.max_characters()), args.samples)
        print("# Publishing to a local Mastodon server (mastodon-mock over loopback)")
        print(f"verify an account:  median {percentile(verify, 50):6.1f} ms   p99 {percentile(verify, 99):6.1f} ms")

        def posting(url: str, timeout: float = 10.0) -> PlatformPublisher:
            def client() -> MastodonPosting:
                return MastodonPosting(MastodonClient(url, TOKEN, sleep=lambda _: None, timeout=timeout))

            return PlatformPublisher(store, account, client)

        plain = posting(server.url)
        counter = iter(range(10**9))
        publish = timings(
            lambda: plain.publish(OutgoingPost("bench", "acme", f"Timed post {next(counter)}")), args.samples
        )
        print(f"publish one post:   median {percentile(publish, 50):6.1f} ms   p99 {percentile(publish, 99):6.1f} ms")

        requests.post(f"{server.url}/api/v1/_mock/reset", timeout=10).raise_for_status()
        failures = 0
        with FaultProxy(server.url) as proxy:
            faulty = posting(proxy.url, timeout=1.0)
            faults = cycle(FAULTS)
            started = time.perf_counter()
            for index in range(args.n):
                fault = next(faults)
                if fault is not None:
                    proxy.inject("POST", "/api/v1/statuses", fault, times=1)  # type: ignore[arg-type]
                try:
                    faulty.publish(OutgoingPost("faults", "acme", f"Post {index} of {args.n} (fault: {fault})"))
                except PublishError as error:
                    failures += 1
                    print(f"  post {index}: {error}", file=sys.stderr)
            seconds = time.perf_counter() - started
        count = statuses_count(server.url)
        print(f"{args.n} publishes with a fault injected into 3 of every 4 ({', '.join(f for f in FAULTS if f)}):")
        print(f"  posts on the server: {count}   (target: exactly {args.n})")
        print(f"  publishes that reported an error: {failures}   time: {seconds:.1f} s")


if __name__ == "__main__":
    main()
