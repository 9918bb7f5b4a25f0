"""Read a form's fields out of an admin page, as a browser would submit them."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.done = False
        self.data = []
        self._textarea = None
        self._select = None
        self._select_value = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (self.form_id is None or attrs.get("id") == self.form_id) and not self.done:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = name
            self._select_value = None
        elif tag == "option" and self._select is not None and "selected" in attrs:
            self.data.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # HTML drops one newline right after <textarea> (Django's widget writes one), as browsers do.
            self.data.append((name, text[2:] if text.startswith("\r\n") else text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside = False
            self.done = True


def form_fields(html, form_id=None):
    """``{name: value or [values]}`` of the form with ``form_id`` in ``html`` (the first form without one)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    fields = {}
    for name, value in parser.data:
        if name in fields:
            fields[name] = fields[name] if isinstance(fields[name], list) else [fields[name]]
            fields[name].append(value)
        else:
            fields[name] = value
    return fields
