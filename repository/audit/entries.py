"""The chain's entries as plain values: the payload a seal is computed over (``build_payload``), and
every stored entry read back by raw SQL (``iter_entries``: verification and export).

Payloads are built from plain values, whichever way they were read (the ORM when sealing, raw SQL when
verifying or exporting), so that sealing, verifying and exporting compute exactly the same thing; the
serialisation itself is ``canonical.py``. Nothing here writes.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections

from .canonical import (
    PAYLOAD_VERSION,
    CanonicalText,
    canonical_time,
    canonical_time_from_sqlite,
    data_digest,
)

RECORD_FIELDS = (
    "id", "revision_id", "sequence", "at", "action", "object_model", "object_id", "object_repr", "page_id", "live",
    "version_id", "agency_id", "agency_code", "item_codes", "user_id_snapshot", "user_name", "log_model",
    "log_entry_id", "extra", "previous_seal", "seal",
)
VERSION_FIELDS = ("id", "revision_id", "content_type_id", "object_id", "db", "format", "object_repr")


def content_type_labels(using=DEFAULT_DB_ALIAS):
    """content type id → "app_label.model"."""
    return {pk: f"{app}.{model}" for pk, app, model in
            ContentType.objects.using(using).values_list("pk", "app_label", "model")}


def _time(value):
    return value if isinstance(value, str) else canonical_time(value)


def build_payload(record, revision, versions, content_types):
    """The sealed payload of one entry, from plain dicts.

    ``record`` has RECORD_FIELDS, ``revision`` id/date_created/comment, each
    version VERSION_FIELDS plus ``data_sha256`` (see ``canonical.data_digest``).
    Times may be datetimes or canonical strings already.
    """
    return {
        "v": PAYLOAD_VERSION,
        "sequence": record["sequence"],
        "previous_seal": record["previous_seal"],
        "at": _time(record["at"]),
        "action": record["action"],
        "object": {"model": record["object_model"], "id": record["object_id"], "repr": record["object_repr"]},
        "page_id": record["page_id"],
        "live": record["live"],
        "version_id": record["version_id"],
        "agency": {"id": record["agency_id"], "code": record["agency_code"]},
        "item_codes": record["item_codes"].split(),
        "user": {"id": record["user_id_snapshot"], "name": record["user_name"]},
        "log": {"model": record["log_model"], "id": record["log_entry_id"]},
        "extra": record["extra"],
        "revision": {
            "id": revision["id"],
            "date_created": _time(revision["date_created"]),
            "comment": revision["comment"],
        },
        "versions": [
            {
                "id": v["id"],
                "content_type": content_types.get(v["content_type_id"], f"?{v['content_type_id']}"),
                "object_id": v["object_id"],
                "db": v["db"],
                "format": v["format"],
                "object_repr": v["object_repr"],
                "data_sha256": v["data_sha256"],
            }
            for v in sorted(versions, key=lambda v: v["id"])
        ],
    }


# Raw SQL: verification and export read every row once, so they skip the ORM's per-row conversions.
_RECORD_SQL = (
    "SELECT r.sequence, r.revision_id, {at}, r.action, r.object_model, r.object_id, r.object_repr, r.page_id, "
    "r.live, r.version_id, r.agency_id, r.agency_code, r.item_codes, r.user_id_snapshot, r.user_name, "
    "r.log_model, r.log_entry_id, r.extra, r.previous_seal, r.seal, {date_created}, v.comment, v.id "
    "FROM audit_auditrecord r LEFT JOIN reversion_revision v ON v.id = r.revision_id "
    "WHERE r.sequence > %s AND r.sequence <= %s ORDER BY r.sequence"
)
_RECORD_NAMES = ("sequence", "revision_id", "at", "action", "object_model", "object_id", "object_repr", "page_id",
                 "live", "version_id", "agency_id", "agency_code", "item_codes", "user_id_snapshot", "user_name",
                 "log_model", "log_entry_id", "extra", "previous_seal", "seal", "date_created", "comment",
                 "revision_found")


def _version_sql(vendor, with_data):
    columns = "id, revision_id, content_type_id, object_id, db, format, object_repr"
    if vendor == "postgresql" and not with_data:
        # PostgreSQL hashes the rows itself; only digests cross the wire.
        digest = "encode(sha256(convert_to(serialized_data, 'UTF8')), 'hex')"
    elif vendor == "sqlite" and not with_data:
        # The stored UTF-8 bytes, hashed as they are, without decoding them into str first.
        digest = "CAST(serialized_data AS BLOB)"
    else:
        digest = "serialized_data"
    return (f"SELECT {columns}, {digest} FROM reversion_version "
            f"WHERE revision_id IN (SELECT revision_id FROM audit_auditrecord WHERE sequence > %s AND sequence <= %s)")


def parse_stored_extra(text):
    """A stored ``extra`` as a value; text that is not JSON (written past the database's checks) becomes a
    value no seal was computed over, so the entry fails its contents check instead of stopping the reader."""
    try:
        return json.loads(text)
    except ValueError:
        return {"unreadable stored extra": text if isinstance(text, str) else text.decode("utf-8", "replace")}


def last_sequence(using=None):
    with connections[using or DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT MAX(sequence) FROM audit_auditrecord")
        (last,) = cursor.fetchone()
    return last or 0


def iter_entries(using=None, with_data=False, batch_size=5000, lo=0, hi=None, stored_extra=False):
    """The audit entries with sequence in (lo, hi] (default: all) in order, as (record, payload or None,
    stored seal[, data]).

    ``payload`` is None when the entry's reversion revision is gone. With
    ``with_data`` each item also carries {version id: serialized_data} (for export). With
    ``stored_extra``, an ``extra`` the database keeps as written (SQLite) stays the stored text, as
    ``canonical.CanonicalText``, instead of being parsed (verification: see ``check_range``).
    """
    using = using or DEFAULT_DB_ALIAS
    connection = connections[using]
    connection.ensure_connection()
    vendor = connection.vendor
    content_types = content_type_labels(using)
    end_sequence = last_sequence(using) if hi is None else hi
    if vendor == "sqlite":
        # As stored (UTC text), skipping the driver's datetime converters; see canonical_time_from_sqlite.
        record_sql = _RECORD_SQL.format(at="CAST(r.at AS TEXT)", date_created="CAST(v.date_created AS TEXT)")
    else:
        # PostgreSQL formats the canonical UTC text itself (no datetime objects per row).
        fmt = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'"
        record_sql = _RECORD_SQL.format(at=f"to_char(r.at AT TIME ZONE 'UTC', {fmt})",
                                        date_created=f"to_char(v.date_created AT TIME ZONE 'UTC', {fmt})")
    start = lo
    while start < end_sequence:
        end = min(start + batch_size, end_sequence)
        with connection.cursor() as cursor:
            cursor.execute(record_sql, [start, end])
            rows = cursor.fetchall()
            cursor.execute(_version_sql(vendor, with_data), [start, end])
            version_rows = cursor.fetchall()
        versions, data = {}, {}
        for vid, revision_id, ct, object_id, db, fmt, object_repr, blob in version_rows:
            if with_data or vendor != "postgresql":
                digest = data_digest(blob)
                if with_data:
                    data[vid] = blob
            else:
                digest = blob
            versions.setdefault(revision_id, []).append({
                "id": vid, "content_type_id": ct, "object_id": object_id, "db": db,
                "format": fmt, "object_repr": object_repr, "data_sha256": digest,
            })
        for row in rows:
            record = dict(zip(_RECORD_NAMES, row, strict=True))
            if vendor == "sqlite":
                record["at"] = canonical_time_from_sqlite(record["at"])
                record["live"] = None if record["live"] is None else bool(record["live"])
                extra = record["extra"]
                record["extra"] = CanonicalText(extra) if stored_extra and isinstance(extra, str) else \
                    parse_stored_extra(extra)
                if record["date_created"] is not None:
                    record["date_created"] = canonical_time_from_sqlite(record["date_created"])
            elif isinstance(record["extra"], str):
                record["extra"] = parse_stored_extra(record["extra"])
            payload = None
            if record["revision_found"] is not None:
                revision = {"id": record["revision_id"], "date_created": record["date_created"],
                            "comment": record["comment"]}
                payload = build_payload(record, revision, versions.get(record["revision_id"], []), content_types)
            if with_data:
                own = {v["id"]: data[v["id"]] for v in versions.get(record["revision_id"], [])}
                yield record, payload, record["seal"], own
            else:
                yield record, payload, record["seal"]
        start = end
