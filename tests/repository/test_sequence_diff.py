"""The near-linear diff gives a correct edit script, in difflib's format, on any input."""

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from repository.sequence_diff import opcodes

tokens = st.lists(st.sampled_from(["ข่าว", "ประชา", "สัมพันธ์", " ", "<p>", "</p>", "จังหวัด", "a", "b"]), max_size=60)


def _apply(a, b, ops):
    out, i, j = [], 0, 0
    for tag, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j)  # contiguous, in order
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
            out.extend(a[i1:i2])
        else:
            assert tag in ("replace", "insert", "delete")
            out.extend(b[j1:j2])
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    return out


@settings(max_examples=300, deadline=None)
@given(tokens, tokens)
def test_the_edit_script_turns_a_into_b(a, b):
    assert _apply(a, b, opcodes(a, b)) == b


def test_small_inputs_match_difflib():
    a = "สำนักงาน จังหวัด อุทัยธานี ประกาศ ผล การ จัดซื้อ".split()
    b = "สำนักงาน จังหวัด อุทัยธานี แจ้ง ผล การ จัดซื้อ จัดจ้าง".split()
    assert opcodes(a, b) == difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def test_long_texts_with_a_local_edit_keep_everything_else_equal():
    a = [f"คำ{n % 997}" for n in range(60_000)]
    b = a[:30_000] + ["แทรก"] + a[30_000:]
    ops = opcodes(a, b)
    assert _apply(a, b, ops) == b
    assert [op[0] for op in ops] == ["equal", "insert", "equal"]
