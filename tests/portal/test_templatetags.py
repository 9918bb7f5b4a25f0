from portal.templatetags.portal_tags import be_datetime, filesize_th, filetype_th, marked


def test_marked_keeps_only_mark_tags():
    assert marked("a <mark>น้ำ</mark> &lt;b&gt; <script>x</script>") == (
        "a <mark>น้ำ</mark> &lt;b&gt; &lt;script&gt;x&lt;/script&gt;"
    )
    assert marked("<mark>cut") == "<mark>cut</mark>"


def test_sizes_types_and_be_dates():
    assert filesize_th(2048) == "2.0 KB"
    assert filesize_th(None) == "ไม่ทราบขนาด"
    assert filetype_th("application/pdf") == "PDF"
    assert filetype_th("", "plan.xlsx") == "XLSX"
    assert be_datetime("2025-01-15T03:00:00+00:00") == "15 ม.ค. 2568 เวลา 10:00 น."
