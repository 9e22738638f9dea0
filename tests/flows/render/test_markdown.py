"""Markdown from departments: raw HTML stays text, headings shift, images become figures."""

import re

from flows.render.markdown import render_markdown


def test_raw_html_and_template_syntax_stay_text():
    html = render_markdown("Hej <script>alert(1)</script> {{ 7*7 }}", 3, "klk")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "{{ 7*7 }}" in html


def test_body_headings_start_below_the_section():
    html = render_markdown("### Del ett\n\ntext\n\n#### Under\n", 3, "klk")
    assert "<h3>Del ett</h3>" in html and "<h4>Under</h4>" in html


def test_only_web_and_mail_addresses_are_links_the_rest_is_text():
    html = render_markdown(
        "[a](javascript:alert(1)) [b](https://vastervik.se) [c](file:///etc/passwd)"
        " [d](mailto:info@vastervik.se) [e](//server/share/x.exe) [f](../../etc/x)"
        " [g](#finns-inte) [h](http://vastervik.se)",
        3,
        "klk",
    )
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == ["https://vastervik.se", "mailto:info@vastervik.se", "http://vastervik.se"]
    for shown in ("a (javascript:alert(1))", "c (file:///etc/passwd)", "e (//server/share/x.exe)"):
        assert shown in html
    assert "f (../../etc/x)" in html and "g (#finns-inte)" in html


def test_lone_image_becomes_figure_with_caption_in_department_folder():
    html = render_markdown(
        '![Två elever i Padova](padova.jpg "Foto: Anna")', 3, "barn-och-utbildning"
    )
    assert '<img src="barn-och-utbildning/padova.jpg" alt="Två elever i Padova">' in html
    assert "<figcaption>Foto: Anna</figcaption>" in html
