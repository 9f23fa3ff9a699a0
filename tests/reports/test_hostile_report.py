"""Hostile text in entries, themes and the team's own report text: the annual report shows it as text."""
from bs4 import BeautifulSoup

from feedback_app.reports.services import save_report_text
from tests.factories import make_theme
from tests.publishing.conftest import publish
from tests.reports.conftest import YEAR, build_report, cases_of, pdf_text, write_pdf
from tests.security.hostile import HOSTILE, executable_problems, single_line

# The corpus without the 6,000-character string (longer than an entry title) and with NUL removed.
PAYLOADS = [single_line(text) for text in HOSTILE if len(text) < 200]


def test_hostile_text_is_shown_as_text_in_the_html_and_the_pdf(app, tmp_path, people):
    theme = make_theme(name=PAYLOADS[0][:80], slug="hostile")
    for number, payload in enumerate(PAYLOADS):
        publish(people["author"], people["approver"], theme, cases_of(1, theme),
                title=f"Entry {number} {payload}"[:200], you_said=payload, we_did=payload)
    save_report_text(YEAR, introduction="\n".join(PAYLOADS), next_steps=PAYLOADS[1], user=people["author"])

    build = build_report()

    assert build.status == "ready", build.failure_reason
    html = build.html.decode()
    # The report's own charts are SVG whose <title> names the theme: text, not markup (a script or
    # handler inside one would still be caught by the other checks).
    charts = BeautifulSoup(html, "html.parser").select("svg[role=img]")
    assert charts and all(not chart.find("script") for chart in charts)
    # Its one <style> is its own stylesheet (which hides things with display:none); the corpus's
    # <style>body{display:none}</style> must only ever appear as text.
    styles = BeautifulSoup(html, "html.parser").find_all("style")
    assert len(styles) == 1 and "body{display:none}" not in styles[0].get_text().replace(" ", "")
    ours = ("annual report: <svg> from the corpus", "annual report: a style element from the corpus")
    assert [problem for problem in executable_problems(html, "annual report") if problem not in ours] == []
    assert "{{7*7}}xss-jinja" in html.replace("&#123;", "{").replace("&#125;", "}")
    text = pdf_text(write_pdf(tmp_path, build.pdf))
    for marker in ("<script>alert('xss-script')</script>", "xss-svg", "{{7*7}}xss-jinja", "xss-formula"):
        assert marker in text, marker
