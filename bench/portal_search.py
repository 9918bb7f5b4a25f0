"""Portal search page latency on the demo data: server time per full page render.

Run after ``make setup`` (demo data and its search index)::

    .venv/bin/python bench/portal_search.py [--rounds 20]

Each round requests, through Django's full middleware stack, the search page
for a set of Thai queries taken from the demo's own titles, with and without
facets and sorting (every API call the page makes is included). Prints p50,
p95 and max per kind of request. The issue's target: usable within a second.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from repository.models import NewsPage

    settings.ALLOWED_HOSTS = ["*"]
    settings.API_ANON_THROTTLE_RATE = ""
    titles = list(NewsPage.objects.filter(live=True).order_by("pk").values_list("title", flat=True)[:40])
    if not titles:
        sys.exit("No demo data: run `make setup` first.")
    words = [max(t.split(), key=len)[:12] for t in titles[::4]]
    client = Client()
    kinds = {
        "empty search (facets only)": lambda i: {},
        "Thai query": lambda i: {"q": words[i % len(words)]},
        "Thai query + agency facet + date sort": lambda i: {
            "q": words[i % len(words)], "agency": "secretariat-pm", "sort": "date",
        },
        "page 2 of everything": lambda i: {"page": "2"},
    }
    client.get("/", {"q": words[0]})  # warm up: word segmenter, caches
    print(f"portal search page, {args.rounds} rounds, {len(titles)} demo titles sampled")
    for name, params in kinds.items():
        times = []
        for i in range(args.rounds):
            start = time.perf_counter()
            response = client.get("/", params(i))
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                sys.exit(f"{name}: HTTP {response.status_code}")
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"  {name:42s} p50 {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   max {times[-1]:6.1f} ms")


if __name__ == "__main__":
    main()
