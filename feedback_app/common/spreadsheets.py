"""CSV cells that spreadsheets show as text, never run as formulas (CSV injection)."""

# What Excel, LibreOffice and Google Sheets treat as the start of a formula, tab and CR included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text a spreadsheet shows as text: a leading apostrophe before anything it would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
