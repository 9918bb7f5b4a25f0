"""The issue's anchor: a bare Wagtail project (one page model: title, rich text, date), as ``wagtail start``
would make it but for its other apps, for ``bench/import.py --anchor`` to measure add + revision + publish
beside the product's import, in a scratch database of its own. Nothing of the product is installed."""
