"""WeasyPrint's URL fetcher: only the app's static files; no network, no file outside static."""
import pytest

from feedback_app.reports.render import STATIC_DIR, StaticOnlyFetcher, render_pdf
from tests.reports.conftest import pdf_text, write_pdf

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Fetch test</title>{head}</head>
<body><h1>Fetch test</h1><p class="probe">Body text</p>{body}</body></html>"""


@pytest.fixture
def outside_css(tmp_path):
    css = tmp_path / "outside.css"
    css.write_text('.probe::after { content: "LEAKED-FROM-OUTSIDE"; }')
    return css


def test_a_remote_url_gets_nothing(app, tmp_path):
    fetcher = StaticOnlyFetcher()
    html = PAGE.format(head='<link rel="stylesheet" href="http://127.0.0.1:9/remote.css">'
                            '<link rel="stylesheet" href="https://example.com/remote.css">',
                       body='<img src="http://127.0.0.1:9/tracker.png" alt="tracker">')
    render_pdf(html, fetcher)
    assert sorted(fetcher.refused) == sorted([
        "http://127.0.0.1:9/remote.css", "https://example.com/remote.css", "http://127.0.0.1:9/tracker.png"])


def test_a_file_outside_static_gets_nothing(app, tmp_path, outside_css):
    fetcher = StaticOnlyFetcher()
    sneaky = STATIC_DIR.as_uri() + "/../../" + str(outside_css.relative_to("/"))
    html = PAGE.format(head=f'<link rel="stylesheet" href="{outside_css.as_uri()}">'
                            f'<link rel="stylesheet" href="{sneaky}">',
                       body='<img src="file:///etc/passwd" alt="x">')
    text = pdf_text(write_pdf(tmp_path, render_pdf(html, fetcher)))
    assert "LEAKED-FROM-OUTSIDE" not in text
    assert "Body text" in text
    assert outside_css.as_uri() in fetcher.refused and "file:///etc/passwd" in fetcher.refused
    assert len(fetcher.refused) == 3


def test_a_symbolic_link_in_static_cannot_lead_outside(app, tmp_path, outside_css):
    fetcher = StaticOnlyFetcher(static_dir=tmp_path / "static")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "link.css").symlink_to(outside_css)
    html = PAGE.format(head=f'<link rel="stylesheet" href="{(tmp_path / "static" / "link.css").as_uri()}">', body="")
    assert "LEAKED-FROM-OUTSIDE" not in pdf_text(write_pdf(tmp_path, render_pdf(html, fetcher)))


def test_static_files_and_data_urls_are_served(app, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text('.probe::after { content: "FROM-STATIC"; }')
    fetcher = StaticOnlyFetcher(static_dir=static)
    data_css = "data:text/css,.probe::before%20%7B%20content:%20%22FROM-DATA%22;%20%7D"
    html = PAGE.format(head=f'<link rel="stylesheet" href="{(static / "ok.css").as_uri()}">'
                            f'<link rel="stylesheet" href="{data_css}">', body="")
    text = pdf_text(write_pdf(tmp_path, render_pdf(html, fetcher)))
    assert "FROM-STATIC" in text and "FROM-DATA" in text
    assert fetcher.refused == []
