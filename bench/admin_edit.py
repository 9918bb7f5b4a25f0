"""Wagtail admin edit page: server time per GET on the demo data, as the provider opens it.

Run after ``make setup`` (demo data)::

    .venv/bin/python bench/admin_edit.py [--rounds 20] [--profile]

Each round requests, through Django's full middleware stack, the edit page of a few demo
disclosures of each type the provider may edit, logged in as the demo provider. Prints p50,
p95, max, the number of SQL queries and the response size per page type; ``--profile`` adds
the cProfile functions with the most cumulative time for one request. The aim: under 1 s of
server time (issue 15).
"""

import argparse
import cProfile
import os
import pstats
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
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from repository.models import DISCLOSURE_PAGE_MODELS

    settings.ALLOWED_HOSTS = ["*"]
    provider = get_user_model().objects.filter(username="provider").first()
    if provider is None:
        sys.exit("No demo data: run `make setup` first.")
    client = Client()
    client.force_login(provider)
    pages = {}
    for model in DISCLOSURE_PAGE_MODELS:
        for page in model.objects.order_by("-pk")[:3]:
            if page.permissions_for_user(provider).can_edit():
                pages.setdefault(model._meta.verbose_name, []).append(page)
    if not pages:
        sys.exit("The demo provider may edit no page.")
    first = next(iter(pages.values()))[0]
    client.get(reverse("wagtailadmin_pages:edit", args=[first.pk]))  # warm up: templates, segmenter
    print(f"admin edit page, {args.rounds} rounds, as the demo provider")
    print(f"{'page type':<40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'KB':>6}")
    for name, group in pages.items():
        times = []
        for i in range(args.rounds):
            url = reverse("wagtailadmin_pages:edit", args=[group[i % len(group)].pk])
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{name:<40} {statistics.median(times) * 1000:8.0f} {p95 * 1000:8.0f} {times[-1] * 1000:8.0f} "
              f"{len(queries):8d} {len(response.content) / 1024:6.0f}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(reverse("wagtailadmin_pages:edit", args=[first.pk]))
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
