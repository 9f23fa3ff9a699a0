"""HTML from outside (email bodies) made safe to show: basic formatting only, nothing fetched or run."""
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "a"}
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
# Tags whose text would only be noise (or code) if the tag were merely unwrapped.
_DROPPED_WITH_CONTENT = {"script", "style", "title", "noscript", "template", "svg", "math", "iframe",
                         "object", "textarea", "select"}


def _only_absolute_links(tag, attribute, value):
    # Relative and protocol-relative links would point into our own site or anywhere: drop them.
    if tag == "a" and attribute == "href" and not value.strip().lower().startswith(ALLOWED_SCHEMES):
        return None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=_DROPPED_WITH_CONTENT,
    attributes={"a": {"href"}},
    attribute_filter=_only_absolute_links,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def sanitise_html(html: str) -> str:
    """Keep paragraphs, lists, emphasis and plain links; drop images, styles, scripts and handlers."""
    return _cleaner.clean(html or "")
