"""OpenAPI descriptions of the JSON shapes (drf-spectacular reads these).

The data itself is built by the plain functions in :mod:`.pages`; these
serializer classes only describe it, and the OpenAPI snapshot test plus
schemathesis check that what is served matches what is described. Every key
but ``id`` and ``type`` is optional because ``fields=`` may leave it out.
"""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers as s


def opt(field_class, **kwargs):
    kwargs.setdefault("required", False)
    return field_class(**kwargs)


class AgencySchema(s.Serializer):
    code = s.CharField()
    name_th = s.CharField()
    name_en = s.CharField(allow_blank=True)
    kind = s.CharField()


class ItemSchema(s.Serializer):
    code = s.CharField()
    name_th = s.CharField()
    name_en = s.CharField(allow_blank=True)
    framework_year = s.IntegerField()


class AttachmentSchema(s.Serializer):
    title = s.CharField()
    filename = s.CharField()
    size = s.IntegerField(allow_null=True, help_text="Bytes")
    content_type = s.CharField(help_text="MIME type")
    url = s.URLField()


class ProcurementRowSchema(s.Serializer):
    item = s.CharField()
    budget = s.FloatField(allow_null=True, help_text="Baht, a number with two decimals at most")
    reference_price = s.FloatField(allow_null=True)
    method = s.CharField()
    method_label = s.CharField()
    bidders = s.ListField(child=s.CharField())
    selected_vendor = s.CharField()
    agreed_price = s.FloatField(allow_null=True)
    reason = s.CharField()
    contract_number = s.CharField(allow_blank=True)
    contract_date = s.DateField(allow_null=True)
    contract_date_be = s.CharField(allow_null=True)
    egp_project_number = s.CharField(allow_blank=True)


class BreadcrumbSchema(s.Serializer):
    id = s.IntegerField()
    title = s.CharField()
    path = s.CharField(allow_blank=True)
    api_url = s.URLField()


class PageSummarySchema(s.Serializer):
    """The fields every page has."""

    id = s.IntegerField()
    type = s.CharField(help_text="app_label.ModelName, e.g. repository.NewsPage")
    type_label = opt(s.CharField)
    title = opt(s.CharField)
    slug = opt(s.CharField)
    path = opt(s.CharField, allow_blank=True, help_text="Path below the site root")
    canonical_url = opt(s.CharField, help_text="The page on the public website")
    api_url = opt(s.CharField)
    first_published_at = opt(s.DateTimeField, allow_null=True)
    first_published_at_be = opt(s.CharField, allow_null=True)
    last_published_at = opt(s.DateTimeField, allow_null=True)
    last_published_at_be = opt(s.CharField, allow_null=True)


class DisclosureRowSchema(PageSummarySchema):
    """A disclosure in a listing (all keys of a disclosure may be chosen with ``fields=``)."""

    agency = opt(AgencySchema, allow_null=True)
    items = opt(s.ListField, child=ItemSchema())
    summary = opt(s.CharField, allow_blank=True)
    body = opt(s.CharField, allow_blank=True, help_text="HTML")
    document_number = opt(s.CharField, allow_blank=True, help_text="As written, Thai digits kept")
    document_number_normalized = opt(s.CharField, allow_blank=True, help_text="Arabic digits")
    issue_date = opt(s.DateField, allow_null=True)
    issue_date_be = opt(s.CharField, allow_null=True, help_text="e.g. 1 มีนาคม 2568")
    fiscal_year = opt(s.IntegerField, allow_null=True, help_text="Buddhist Era")
    external_link = opt(s.CharField, allow_blank=True)
    tags = opt(s.ListField, child=s.CharField())
    attachments = opt(s.ListField, child=AttachmentSchema())
    # rows of ?as_of= listings
    agency_code = opt(s.CharField, allow_blank=True, help_text="as_of listings")
    item_codes = opt(s.ListField, child=s.CharField(), help_text="as_of listings")
    version = opt(s.IntegerField, help_text="as_of listings")
    since = opt(s.DateTimeField, help_text="as_of listings")


class ChildRowSchema(PageSummarySchema):
    """A child in ``expand=children``: the summary keys, with ``agency`` for agency pages."""

    agency = opt(AgencySchema, allow_null=True, help_text="Agency pages")


class ChildrenBlockSchema(s.Serializer):
    total = s.IntegerField()
    items = s.ListField(child=ChildRowSchema())
    truncated = s.BooleanField()


class ApprovalSummarySchema(s.Serializer):
    id = s.IntegerField()
    agency = s.CharField(allow_null=True)
    document_date = s.DateField(allow_null=True)
    document_date_be = s.CharField(allow_null=True)
    kind = s.CharField(allow_null=True)
    subject = s.CharField(allow_null=True)
    details = s.CharField(allow_null=True)
    external_link = s.CharField(allow_null=True)
    remarks = s.CharField(allow_null=True)
    provider_name = s.CharField(allow_null=True)
    provider_position = s.CharField(allow_null=True)
    provided_at = s.CharField(allow_null=True)
    provided_at_be = s.CharField(allow_null=True)
    approver_name = s.CharField(allow_null=True)
    approver_position = s.CharField(allow_null=True)
    approved_at = s.CharField(allow_null=True)
    approved_at_be = s.CharField(allow_null=True)
    publisher_name = s.CharField(allow_null=True)
    publisher_position = s.CharField(allow_null=True)
    published_at = s.CharField(allow_null=True)
    published_at_be = s.CharField(allow_null=True)
    override_reason = s.CharField(allow_null=True)


class TypedDisclosureRowSchema(DisclosureRowSchema):
    """A disclosure with the keys of its own type (each marked with the types that have it).
    Listings of one type may ask for them with ``fields=``."""

    # OfficialOrderPage / PlanReportPage
    kind = opt(s.CharField, help_text="OfficialOrderPage, PlanReportPage")
    kind_label = opt(s.CharField)
    signed_by = opt(s.CharField, allow_blank=True, help_text="OfficialOrderPage")
    issue_year = opt(s.IntegerField, allow_null=True, help_text="OfficialOrderPage (BE)")
    date_note = opt(s.CharField, allow_blank=True, help_text="OfficialOrderPage")
    period = opt(s.CharField, help_text="PlanReportPage")
    period_label = opt(s.CharField)
    # NewsPage
    source_url = opt(s.CharField, allow_blank=True, help_text="NewsPage")
    source_category = opt(s.CharField, allow_blank=True, help_text="NewsPage")
    # EmergencyAnnouncementPage
    severity = opt(s.CharField, help_text="EmergencyAnnouncementPage")
    severity_label = opt(s.CharField)
    affected_area = opt(s.CharField)
    valid_until = opt(s.DateTimeField, allow_null=True)
    valid_until_be = opt(s.CharField, allow_null=True)
    active = opt(s.BooleanField, help_text="EmergencyAnnouncementPage: not yet past valid_until")
    # ProcurementAnnouncementPage
    stage = opt(s.CharField, help_text="ProcurementAnnouncementPage")
    stage_label = opt(s.CharField)
    method = opt(s.CharField)
    method_label = opt(s.CharField)
    budget = opt(s.FloatField, allow_null=True, help_text="Baht, a number with two decimals at most")
    reference_price = opt(s.FloatField, allow_null=True)
    egp_project_number = opt(s.CharField, allow_blank=True)
    winner = opt(s.CharField, allow_blank=True)
    agreed_price = opt(s.FloatField, allow_null=True)
    outcome = opt(s.CharField, allow_blank=True)
    # ProcurementSummaryPage
    month = opt(s.DateField, allow_null=True, help_text="ProcurementSummaryPage")
    month_be = opt(s.CharField, allow_null=True)
    no_procurement = opt(s.BooleanField)
    procurement_rows = opt(s.ListField, child=ProcurementRowSchema())


class PageSchema(TypedDisclosureRowSchema):
    """Any public page. Navigation pages carry the summary keys plus ``intro``
    (and ``agency`` / ``items`` for agency and item pages); disclosures carry
    the disclosure keys; each disclosure type adds the keys marked with it."""

    intro = opt(s.CharField, allow_blank=True, help_text="Navigation pages")
    # expand=
    breadcrumbs = opt(s.ListField, child=BreadcrumbSchema(), help_text="expand=breadcrumbs")
    children = opt(ChildrenBlockSchema, help_text="expand=children")
    approval = opt(ApprovalSummarySchema, allow_null=True, help_text="expand=approval")
    # ?as_of=
    as_of = opt(s.DateTimeField, help_text="as_of: the moment asked for")
    version = opt(s.IntegerField, help_text="as_of: the version the public saw then")
    since = opt(s.DateTimeField, help_text="as_of: when that version took effect")
    state = opt(s.DictField, help_text="as_of: the public fields of that version")


class DisclosureListSchema(s.Serializer):
    count = opt(s.IntegerField, help_text="Absent with pagination=cursor")
    next = s.CharField(allow_null=True)
    previous = s.CharField(allow_null=True)
    results = s.ListField(child=TypedDisclosureRowSchema())


class ChildrenListSchema(s.Serializer):
    count = s.IntegerField()
    next = s.CharField(allow_null=True)
    previous = s.CharField(allow_null=True)
    results = s.ListField(child=DisclosureRowSchema())


class AgencyRowSchema(s.Serializer):
    code = s.CharField()
    name_th = s.CharField()
    name_en = s.CharField(allow_blank=True)
    kind = s.CharField()
    kind_label = s.CharField()
    parent = s.CharField(allow_null=True, help_text="Code of the parent agency (null at the top)")
    depth = s.IntegerField(help_text="0 for a top-level agency")
    sub_agencies = s.ListField(child=s.CharField(), help_text="Codes of the agencies directly below")
    path = s.CharField(allow_blank=True, help_text="Path of its AgencyPage below the site root")
    canonical_url = s.CharField()
    api_url = s.CharField()
    disclosures = s.IntegerField(help_text="Public disclosures of this agency itself")
    disclosures_total = s.IntegerField(help_text="Public disclosures of this agency and every agency below it")


class AgencyListSchema(s.Serializer):
    results = s.ListField(child=AgencyRowSchema())


class FrameworkRowSchema(s.Serializer):
    year = s.IntegerField(help_text="Buddhist Era")
    name = s.CharField()
    items = s.IntegerField(help_text="Number of OIT items")


class FrameworkListSchema(s.Serializer):
    results = s.ListField(child=FrameworkRowSchema())


class PageTypeCountSchema(s.Serializer):
    type = s.CharField(help_text="app_label.ModelName")
    type_label = s.CharField()
    count = s.IntegerField()


class FrameworkItemSchema(s.Serializer):
    code = s.CharField()
    name_th = s.CharField()
    name_en = s.CharField(allow_blank=True)
    group = s.CharField(allow_blank=True)
    recurrence = s.ChoiceField(choices=["once", "monthly", "semi_annual", "annual", "per_event"])
    recurrence_label = s.CharField()
    guidance = s.CharField(allow_blank=True)
    disclosures = s.IntegerField(help_text="Public disclosures answering the item")
    page_types = s.ListField(child=PageTypeCountSchema(), help_text="The page types of those disclosures")


class FrameworkDetailSchema(s.Serializer):
    year = s.IntegerField()
    name = s.CharField()
    items = s.ListField(child=FrameworkItemSchema())


ProblemSchema = inline_serializer(
    "Problem",
    fields={
        "type": s.CharField(),
        "title": s.CharField(),
        "status": s.IntegerField(),
        "detail": s.CharField(),
        "param": s.CharField(required=False, help_text="The query parameter at fault"),
    },
)

DESCRIPTIONS = {
    400: "A parameter is invalid; `param` names it.",
    401: "Authentication required.",
    403: "Not allowed.",
    404: "Not found (or not public).",
    422: "The answer would cost more than the server allows (`detail` says how to ask for less).",
    429: "Too many requests.",
    503: "The service is unavailable.",
}


def problem_responses(*codes):
    return {
        (code, "application/problem+json"): OpenApiResponse(ProblemSchema, description=DESCRIPTIONS[code])
        for code in codes
    }


class EvidenceSchema(s.Serializer):
    page_id = s.IntegerField()
    form_id = s.IntegerField()
    approver_name = s.CharField(allow_blank=True, allow_null=True)
    approved_at = s.CharField(allow_null=True)
    publisher_name = s.CharField(allow_blank=True, allow_null=True)
    published_at = s.CharField(allow_null=True)


class CarriedOverSchema(s.Serializer):
    succession_id = s.IntegerField()
    framework_year = s.IntegerField(help_text="the earlier framework year of the item carried over")
    code = s.CharField(help_text="its code in that year")
    name_th = s.CharField()
    decision = s.ChoiceField(choices=["proposed", "confirmed", "declined"],
                             help_text="proposed: its pages are offered, not counted, until the agency's approver "
                             "decides; confirmed: they count for this item")
    decided_by = s.CharField(allow_null=True)
    decided_at = s.CharField(allow_null=True)
    pages = s.IntegerField(help_text="the agency's public pages answering the earlier item and not this one")
    urls = s.ListField(child=s.CharField())


class SheetItemSchema(s.Serializer):
    code = s.CharField()
    name_th = s.CharField()
    name_en = s.CharField(allow_blank=True)
    group = s.CharField(allow_blank=True)
    recurrence = s.ChoiceField(choices=["once", "monthly", "semi_annual", "annual", "per_event"])
    status = s.ChoiceField(choices=["published", "stale", "missing"])
    answering_pages = s.IntegerField()
    current_pages = s.IntegerField()
    latest_issue_date = s.DateField(allow_null=True)
    latest_issue_date_be = s.CharField(allow_null=True, help_text="the same date in Buddhist Era, e.g. 1 พ.ย. 2567")
    urls = s.ListField(child=s.CharField())
    item_page_urls = s.ListField(child=s.CharField())
    evidence = s.ListField(child=EvidenceSchema())
    carried_over = s.ListField(child=CarriedOverSchema(), help_text="items of the previous framework year mapped "
                               "to this one, with the agency's decision")


class SheetSummarySchema(s.Serializer):
    published = s.IntegerField()
    stale = s.IntegerField()
    missing = s.IntegerField()


class SheetAgencySchema(s.Serializer):
    code = s.CharField()
    name_th = s.CharField()
    name_en = s.CharField(allow_blank=True)


class AnswerSheetSchema(s.Serializer):
    framework_year = s.IntegerField()
    framework_name = s.CharField()
    fiscal_year = s.IntegerField()
    agency = SheetAgencySchema()
    summary = SheetSummarySchema()
    items = s.ListField(child=SheetItemSchema())


class SearchHitSchema(s.Serializer):
    id = s.IntegerField()
    type = s.CharField()
    title = s.CharField()
    path = s.CharField(allow_blank=True)
    canonical_url = s.CharField()
    api_url = s.CharField()
    agency = s.CharField(allow_null=True, allow_blank=True, help_text="Agency code")
    issue_date = s.DateField(allow_null=True)
    issue_date_be = s.CharField(allow_null=True)
    fiscal_year = s.IntegerField(allow_null=True)
    score = s.FloatField()
    highlights = s.DictField(child=s.ListField(child=s.CharField()), help_text="Field → snippets with <mark>…</mark>")


class FacetValueSchema(s.Serializer):
    value = s.JSONField(help_text="Agency code, OIT item as '<framework year>:<code>' (e.g. '2565:O22'; the "
                        "value the item filter takes), page type or fiscal year")
    label = s.CharField(help_text="Thai: agency name, the item's name in its own framework year, page type "
                        "name, or พ.ศ. <fiscal year>")
    count = s.IntegerField()
    framework_year = opt(s.IntegerField, allow_null=True,
                         help_text="item facets: the item's framework year, whose name is the label")
    code = opt(s.CharField, help_text="item facets: the item's code in its framework year, e.g. O22")


class SearchResultsSchema(s.Serializer):
    query = s.CharField(allow_blank=True)
    total = s.IntegerField()
    page = s.IntegerField()
    per_page = s.IntegerField()
    pages = s.IntegerField()
    results = s.ListField(child=SearchHitSchema())
    facets = s.DictField(child=s.ListField(child=FacetValueSchema()), help_text="agency, item, type, fiscal_year")


class SuggestionSchema(s.Serializer):
    id = s.IntegerField()
    title = s.CharField()
    path = s.CharField(allow_blank=True)
    api_url = s.CharField()


class SuggestionsSchema(s.Serializer):
    query = s.CharField(allow_blank=True)
    suggestions = s.ListField(child=SuggestionSchema())


class HistoryEventSchema(s.Serializer):
    version = s.IntegerField(allow_null=True, help_text="Reversion version id: use with @history/<version> and @diff")
    time = s.DateTimeField()
    time_be = s.CharField(help_text="The same moment for Thai readers, Bangkok time: 1 มีนาคม 2568 09:00 น.")
    action = s.CharField(help_text="The act, e.g. wagtail.publish (for auditors also approvals.request, the "
                                   "provider's request, and approvals.publication, the publisher's step)")
    action_label = opt(s.CharField, help_text="Auditors only: the act's Thai name, as the admin shows it")
    logged_action = opt(s.CharField, help_text="Auditors only: the action Wagtail logged, which the seal covers")
    user = opt(s.CharField, allow_blank=True, help_text="Auditors only: display name (never an e-mail)")
    comment = opt(s.CharField, allow_blank=True, allow_null=True, help_text="Auditors only")
    sequence = opt(s.IntegerField, help_text="Auditors only: position in the audit chain")
    is_publication = opt(s.BooleanField)
    live = opt(s.BooleanField, allow_null=True)
    draft = opt(s.BooleanField, help_text="Auditors only: the entry kept a draft that the public never saw; "
                                          "@history/<version> and @diff read it as that draft")
    seal = opt(s.CharField)


class HistorySchema(s.Serializer):
    page_id = s.IntegerField()
    auditor = s.BooleanField(help_text="True when every event is shown")
    versions = s.ListField(child=HistoryEventSchema())


class VersionSchema(s.Serializer):
    page_id = s.IntegerField()
    version = s.IntegerField()
    draft = opt(s.BooleanField, help_text="Auditors only: true when ``state`` is a draft the public never saw")
    state = s.DictField(help_text="Field values at that version (public fields only for anonymous callers)")


class DiffChangeSchema(s.Serializer):
    field = s.CharField()
    label = s.CharField()
    kind = s.ChoiceField(choices=["value", "text", "rows"])
    before = s.JSONField(allow_null=True)
    after = s.JSONField(allow_null=True)
    ops = opt(s.ListField, child=s.ListField(child=s.CharField()), help_text="text: [op, text] with op equal/insert/delete")
    rows = opt(s.DictField, help_text="rows: added, removed, changed")


class DiffSchema(s.Serializer):
    page_id = s.IntegerField()
    to = s.IntegerField()
    changes = s.ListField(child=DiffChangeSchema())

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = s.IntegerField()
        return fields


class HeadSealSchema(s.Serializer):
    count = s.IntegerField()
    sequence = s.IntegerField()
    seal = s.CharField(help_text="SHA-256 hex of the newest entry: pin it to detect a later rewrite")
    at = s.CharField(allow_null=True)


class VerifySchema(s.Serializer):
    ok = s.BooleanField()
    count = s.IntegerField()
    head = s.CharField()
    first_bad = s.IntegerField(allow_null=True)
    reason = s.CharField(allow_blank=True)


class CosignatureSchema(s.Serializer):
    witness = s.CharField(help_text="the witness key's name")
    line = s.CharField(help_text="the C2SP tlog-cosignature/v1 signature line")


class CheckpointSchema(s.Serializer):
    origin = s.CharField()
    size = s.IntegerField(help_text="tree size: the number of entries the checkpoint covers")
    root_hash = s.CharField(help_text="RFC 9162 Merkle tree root, base64")
    note = s.CharField(help_text="the C2SP tlog-checkpoint signed note, cosignatures appended: keep it to "
                                 "prove later that the log was rewritten or cut short")
    created_at = s.CharField()
    cosignatures = CosignatureSchema(many=True)


class CheckpointListSchema(s.Serializer):
    next = s.URLField(allow_null=True)
    results = CheckpointSchema(many=True)


class InclusionProofSchema(s.Serializer):
    entry = s.IntegerField(help_text="the entry's sequence number (leaf index + 1)")
    leaf_index = s.IntegerField()
    size = s.IntegerField()
    leaf_hash = s.CharField(help_text="SHA-256(0x00 ‖ canonical payload), base64")
    root_hash = s.CharField(help_text="the root of the tree of this size, base64")
    proof = s.ListField(child=s.CharField(), help_text="RFC 9162 inclusion path, base64 hashes, leaf side first")
    checkpoint = s.CharField(allow_null=True, help_text="the stored signed checkpoint of this size, if any")


ConsistencyProofSchema = inline_serializer("ConsistencyProof", fields={
    "from": s.IntegerField(help_text="the earlier tree size"),
    "to": s.IntegerField(help_text="the later tree size"),
    "first_root": s.CharField(help_text="root of the tree of size `from`, base64"),
    "second_root": s.CharField(help_text="root of the tree of size `to`, base64"),
    "proof": s.ListField(child=s.CharField(), help_text="RFC 9162 consistency proof, base64 hashes"),
})


class PublicKeySchema(s.Serializer):
    origin = s.CharField(help_text="the first line of every checkpoint")
    name = s.CharField()
    algorithm = s.CharField()
    key = s.CharField(help_text="verifier key in the signed-note form name+id+base64(0x01 ‖ Ed25519 key)")


class AuditEventSchema(s.Serializer):
    sequence = s.IntegerField()
    time = s.CharField()
    user = s.CharField(allow_blank=True)
    action = s.CharField(help_text="The act as an auditor names it (e.g. approvals.request for the provider's request)")
    action_label = s.CharField(help_text="Its Thai name, as the admin shows it")
    logged_action = s.CharField(help_text="The action Wagtail logged, which the seal covers")
    comment = s.CharField(allow_blank=True, allow_null=True)
    version_id = s.IntegerField(allow_null=True)
    revision_id = s.IntegerField(allow_null=True)
    is_publication = s.BooleanField()
    live = s.BooleanField(allow_null=True)
    draft = s.BooleanField(help_text="The entry kept a draft that the public never saw")
    object = s.DictField()
    page_id = s.IntegerField(allow_null=True)
    agency = s.CharField(allow_blank=True)
    item_codes = s.ListField(child=s.CharField())
    seal = s.CharField()


class AuditEventsSchema(s.Serializer):
    next = s.CharField(allow_null=True)
    results = s.ListField(child=AuditEventSchema())
