"""Building the annual report: the PDF is tagged and complete, counts are right, builds are reproducible."""
import logging
import re
import subprocess
import zlib

from feedback_app.reports.models import BuildStatus
from tests.reports.conftest import build_report, pdf_text, write_pdf


def pdfinfo(path):
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def inflated(pdf):
    """The PDF with its compressed streams (object streams hold the catalog) decompressed."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdffonts(path):
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def test_the_pdf_is_tagged_titled_in_english_with_embedded_fonts(app, year_data, tmp_path):
    build = build_report()
    assert build.status == BuildStatus.READY, build.failure_reason
    path = write_pdf(tmp_path, build.pdf)
    info = pdfinfo(path)
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert re.search(r"^Title:\s+You said, we did: annual report 2026 to 2027", info, re.M)
    catalog = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True).stdout
    assert "pdfuaid" in catalog  # PDF/UA identification in the XMP metadata
    structure = inflated(build.pdf)
    assert b"/Lang (en)" in structure
    assert b"/Outlines" in structure  # bookmarks, from the headings
    assert b"/Alt (Comments by how they reached us)" in structure  # each chart's <title> is its alternative text
    assert b"/S /TH" in structure and b"/S /H2" in structure
    fonts = pdffonts(path).splitlines()[2:]
    assert fonts, "the PDF uses no fonts"
    # Columns: name type encoding emb sub uni object ID; every font embedded.
    assert all(line.split()[-5] == "yes" for line in fonts), fonts


def test_the_pdf_holds_every_published_entry_of_the_year_and_no_other(app, year_data, tmp_path):
    text = pdf_text(write_pdf(tmp_path, build_report().pdf))
    flat = " ".join(text.split())
    for entry in year_data["published"]:
        assert entry.title in flat
        assert entry.you_said in flat
        assert entry.we_did in flat
    assert "Unpublished draft about swimming" not in flat
    assert "A draft nobody should read" not in flat
    assert "Add holiday clubs to the directory" in flat and "Done" in flat


def test_weasyprint_reads_the_whole_stylesheet_and_fetches_nothing_it_refuses(app, year_data, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    assert build_report().status == BuildStatus.READY
    assert [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")] == []


def test_building_twice_gives_the_same_text(app, year_data, tmp_path):
    first, second = build_report(), build_report()
    assert first.id != second.id
    assert first.html == second.html
    assert first.html_sha256 == second.html_sha256
    assert pdf_text(write_pdf(tmp_path, first.pdf, "a.pdf")) == pdf_text(write_pdf(tmp_path, second.pdf, "b.pdf"))
