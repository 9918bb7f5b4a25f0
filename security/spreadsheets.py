"""The one CSV writer of the product: cells a spreadsheet would run as a formula are neutralised.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is what Excel,
LibreOffice and Google Sheets read as a formula (or as the start of one: ``=HYPERLINK(…)``,
``+SUM(1+1)``, ``@cmd|…``). Such a cell is written with a leading apostrophe, which every one of them
shows as text (OWASP's "CSV injection" advice); the value itself is otherwise unchanged. Numbers
are written as numbers (a negative amount stays ``-5``). Every CSV the product writes — the approval
forms export, the OIT answer sheet — goes through :func:`writer`.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value safe to open in a spreadsheet."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SafeWriter:
    """``csv.writer`` with every cell passed through :func:`neutralise`."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(stream, **kwargs):
    return SafeWriter(stream, **kwargs)
