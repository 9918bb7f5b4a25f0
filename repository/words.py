"""Thai word segmentation: the one segmenter of the project.

Search indexes with it (``search.analysis`` re-exports ``segment``), slugs are
romanised word by word with it (``repository.slugs``) and the approval form's
PDF breaks lines at its word boundaries (``repository.approvals.pdf``), so a
word is the same word everywhere.

PyThaiNLP's ``nlpo3`` engine (the Rust implementation of ``newmm``), falling
back to ``newmm`` when nlpo3 cannot be loaded.
"""

import functools

MAX_SEGMENT_INPUT = 1_000_000  # characters; longer text is cut (a PDF can be huge)


@functools.lru_cache(maxsize=1)
def _engine():
    """The segmentation function: nlpo3 if it loads, else PyThaiNLP's newmm."""
    try:
        from pythainlp.tokenize import nlpo3 as nlpo3_wrapper

        nlpo3_wrapper.segment("ทดสอบ")
        return "nlpo3", functools.partial(nlpo3_wrapper.segment)
    except Exception:  # nlpo3 missing or its dictionary failed to load
        from pythainlp.tokenize import newmm

        return "newmm", functools.partial(newmm.segment)


def engine_name():
    return _engine()[0]


def segment(text):
    """Words of ``text``, whitespace kept as tokens.

    Joining the result gives ``text`` back.
    """
    if not text:
        return []
    text = text[:MAX_SEGMENT_INPUT]
    _, cut = _engine()
    return _join_identifiers(token for token in cut(text) if token)


def _join_identifiers(tokens):
    """Join neighbouring ASCII letter/digit tokens back into one word.

    The segmenter cuts ``EGP67019123456`` into ``EGP`` + ``67019123456`` and ``ITA2569``
    into ``ITA`` + ``2569``; a project number or an identifier is one word to the person
    typing it, so it is indexed and queried whole (``search.analysis.identifier_pieces``
    gives the pieces, which queries also try as a phrase).
    """
    words = []
    previous = False
    for token in tokens:
        alphanumeric = token.isascii() and token.isalnum()
        if alphanumeric and previous:
            words[-1] += token
        else:
            words.append(token)
        previous = alphanumeric
    return words
