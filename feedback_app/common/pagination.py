"""Page numbers from the query string, and govukPagination's parameters for a page of results."""


# Far beyond any real list, and well inside every database's integer range (a huge page was a 500).
MAX_PAGE = 100_000


def page_number(value):
    try:
        return min(MAX_PAGE, max(1, int(value or 1)))
    except ValueError:
        return 1


def pagination(page, href):
    """govukPagination's parameters (every page near this one, ellipses for the rest), or None for one page."""
    if page.pages <= 1:
        return None
    shown = sorted({1, page.pages, *range(max(1, page.page - 2), min(page.pages, page.page + 2) + 1)})
    items, previous = [], 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page.page})
        previous = number
    return {
        "items": items,
        "previous": {"href": href(page.page - 1)} if page.page > 1 else None,
        "next": {"href": href(page.page + 1)} if page.page < page.pages else None,
    }
