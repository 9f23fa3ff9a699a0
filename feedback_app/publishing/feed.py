"""The Atom feed of published entries (RFC 4287), built with ElementTree so every value is escaped."""
import re
import xml.etree.ElementTree as ET
from datetime import UTC

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
# Characters XML 1.0 cannot carry at all; text pasted from elsewhere sometimes has them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def rfc3339(moment):
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def entry_id(domain, entry):
    """A tag URI (RFC 4151): stable even if the site moves to another address."""
    return f"tag:{domain},{entry.published_at.astimezone(UTC):%Y-%m-%d}:you-said-we-did/{entry.id}"


def entry_text(entry):
    parts = [f"You said: {entry.you_said}"]
    if entry.we_did:
        parts.append(f"We did: {entry.we_did}")
    if entry.we_could_not:
        parts.append(f"We couldn’t, because: {entry.we_could_not}")
    parts.append(f"Comments answered: {entry.comments_text}.")
    if entry.actions:
        parts.append("Actions: " + "; ".join(f"{action.description} ({action.status_label})"
                                             for action in entry.actions))
    return "\n\n".join(parts)


def _add(parent, tag, text=None, **attributes):
    # Unprefixed names under the root's default namespace: plain Atom, as feed readers expect it.
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = _NOT_XML.sub("", str(text))
    return element


def build_feed(entries, *, title, feed_url, page_url, author, domain, updated, entry_url):
    """The feed as UTF-8 bytes; `entry_url(entry)` gives each entry's public page."""
    feed = ET.Element("feed", xmlns=ATOM)
    _add(feed, "id", feed_url)
    _add(feed, "title", title)
    _add(feed, "updated", rfc3339(updated))
    _add(feed, "link", rel="self", type=MEDIA_TYPE, href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    _add(_add(feed, "author"), "name", author)
    for entry in entries:
        item = _add(feed, "entry")
        _add(item, "id", entry_id(domain, entry))
        _add(item, "title", entry.title, type="text")
        _add(item, "published", rfc3339(entry.published_at))
        _add(item, "updated", rfc3339(entry.updated_at))
        _add(item, "link", rel="alternate", type="text/html", href=entry_url(entry))
        if entry.theme_slug:
            _add(item, "category", term=entry.theme_slug, label=entry.theme_name)
        _add(item, "content", entry_text(entry), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
