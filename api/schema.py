"""The OpenAPI schema's AutoSchema: descriptions are written for API users, never taken from docstrings.

drf-spectacular falls back to a view's docstring (inherited ones too) when an operation has no
description: internal notes for developers ("Base of every v1 view…") then reached the published
schema. Here an operation's description is only what ``@extend_schema(description=…)`` says; the
``summary`` says what each operation does, the API's own description (settings) what they share.
"""

from drf_spectacular.openapi import AutoSchema


class PublicAutoSchema(AutoSchema):
    def get_description(self):
        return ""
