"""What every search engine does, and the parts they share.

An engine implements the storage side (``write``, ``delete``, ``indexed_versions``,
``search``, ``suggest``, the rebuild target); this class turns pages into
documents, decides what is public, reconciles pages with the index, rebuilds
in bounded memory with both cores, and reports drift.
"""

import collections
import logging
import multiprocessing
import os

from django.utils import timezone

from .. import documents as docs
from ..errors import SearchUnavailable
from ..models import IndexTask

REBUILD_CHUNK = 200
IN_FLIGHT = 2  # chunks handed to the workers ahead of the one being written

logger = logging.getLogger(__name__)


def _analyse(document):
    return docs.analyse_document(document)


def analysed_stream(documents, processes=None, chunk_size=REBUILD_CHUNK):
    """Analyse documents, in a pool of worker processes when ``processes`` > 1.

    Segmentation dominates indexing time. Documents are read from
    ``documents`` in this thread only (it may query the database), a chunk
    at a time: while the workers segment up to IN_FLIGHT chunks, the next one
    is read and the finished one written, so the workers never wait for the
    writer. At most IN_FLIGHT + 1 chunks are in memory.
    Yields lists of analysed documents, in input order.
    """
    processes = processes if processes is not None else default_processes()
    chunks = _batched(documents, chunk_size)
    if processes <= 1:
        for chunk in chunks:
            yield [docs.analyse_document(document) for document in chunk]
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(processes) as pool:
        pending = collections.deque()
        for chunk in chunks:
            pending.append(pool.map_async(_analyse, chunk, chunksize=max(1, len(chunk) // (processes * 4))))
            if len(pending) > IN_FLIGHT:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def default_processes():
    return max(1, os.cpu_count() or 1)


class SearchBackend:
    name = "base"

    def __init__(self, config):
        self.config = config

    # --- engine side (implemented by each engine) ---------------------------

    def write(self, analysed_documents):
        raise NotImplementedError

    def delete(self, page_ids):
        raise NotImplementedError

    def indexed_versions(self):
        """``{page_id: version}`` of everything in the index."""
        raise NotImplementedError

    def search(self, query):
        raise NotImplementedError

    def suggest(self, prefix, limit=10):
        raise NotImplementedError

    def begin_rebuild(self, resume=True):
        """A target with ``last_page_id()``, ``write(analysed, last_page_id)``, ``finish()``, ``abandon()``."""
        raise NotImplementedError

    def clear(self):
        raise NotImplementedError

    def ping(self):
        """Raise SearchUnavailable when the engine cannot be used."""
        raise NotImplementedError

    # --- shared ---------------------------------------------------------

    def index_page(self, page):
        """Bring one page's entry in line with the database: index it or remove it."""
        self.reconcile([page.pk])

    def remove(self, page_id):
        self.delete([page_id])

    def reconcile(self, page_ids):
        """Index the public pages among ``page_ids`` and remove the others (idempotent)."""
        page_ids = sorted({int(pk) for pk in page_ids})
        if not page_ids:
            return
        documents = docs.build_documents(docs.public_pages().filter(pk__in=page_ids).order_by("pk"))
        public = {document.page_id for document in documents}
        gone = [pk for pk in page_ids if pk not in public]
        analysed = [docs.analyse_document(document) for document in documents]
        if analysed:
            self.write(analysed)
        if gone:
            self.delete(gone)

    def rebuild(self, chunk_size=REBUILD_CHUNK, processes=None, resume=True, progress=False):
        """Rebuild the index from the database; returns the number of pages indexed.

        Pages are read in primary-key order, ``chunk_size`` at a time (bounded
        memory), segmented by a pool of ``processes`` workers, and written to a
        new index that replaces the live one only when complete. An interrupted
        rebuild resumes from the last chunk written when ``resume`` is true.
        Changes published while it ran are applied again after the swap.
        """
        started = timezone.now()
        target = self.begin_rebuild(resume=resume)
        last_id = target.last_page_id() or 0
        queryset = docs.public_pages().order_by("pk")
        total = queryset.filter(pk__gt=last_id).count()
        bar = _progress(total, progress)
        written = 0
        try:
            for analysed_chunk, chunk_last in self._chunks(queryset, last_id, chunk_size, processes):
                target.write(analysed_chunk, chunk_last)
                written += len(analysed_chunk)
                bar.update(len(analysed_chunk))
        except BaseException:
            bar.close()
            target.abandon()  # keeps what was written, for the next run to resume
            raise
        bar.close()
        target.finish()
        # Pages published or removed while the rebuild ran.
        changed = docs.public_pages().filter(last_published_at__gte=started).values_list("pk", flat=True)
        report = self.check()
        self.reconcile(list(changed) + report["missing"] + report["extra"] + report["stale"])
        return written

    def _chunks(self, queryset, last_id, chunk_size, processes):
        """(analysed documents, last page id) per chunk, segmentation in the pool."""

        def documents():
            after = last_id
            while True:
                chunk = docs.build_documents(queryset.filter(pk__gt=after)[:chunk_size])
                if not chunk:
                    return
                yield from chunk
                after = chunk[-1].page_id

        for analysed_chunk in analysed_stream(documents(), processes=processes, chunk_size=chunk_size):
            yield analysed_chunk, analysed_chunk[-1].document.page_id

    def check(self):
        """Compare the index with the database.

        Returns ``{"public": n, "indexed": n, "missing": [ids], "extra": [ids],
        "stale": [ids], "pending_tasks": n, "ok": bool}``: missing = public but
        not indexed, extra = indexed but not public (must never be shown),
        stale = indexed from an older publication.
        """
        expected = {
            pk: docs.version_of(last_published_at, url_path)
            for pk, last_published_at, url_path in docs.public_pages().values_list("pk", "last_published_at", "url_path")
        }
        indexed = self.indexed_versions()
        missing = sorted(set(expected) - set(indexed))
        extra = sorted(set(indexed) - set(expected))
        stale = sorted(pk for pk in set(expected) & set(indexed) if expected[pk] != indexed[pk])
        pending = IndexTask.objects.count()
        return {
            "backend": self.name,
            "public": len(expected),
            "indexed": len(indexed),
            "missing": missing,
            "extra": extra,
            "stale": stale,
            "pending_tasks": pending,
            "ok": not (missing or extra or stale),
        }


def _progress(total, enabled):
    if not enabled:
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(total=total, unit="page", desc="indexing")


class _NoProgress:
    def update(self, n):
        pass

    def close(self):
        pass


__all__ = ["SearchBackend", "SearchUnavailable", "analysed_stream"]
