"""The "Is this information correct?" link on directory pages: which page URLs and service names we keep.

Put one of these on each page of the council's directory (replace FEEDBACK-HOST with this
service's host name, and add the directory's host to DIRECTORY_HOSTS).

1. Templates that can print the page's own address (no JavaScript). URL-encode both values:

    <p class="govuk-body">
      <a class="govuk-link" href="https://FEEDBACK-HOST/feedback/page?url={{ page_url | urlencode }}&amp;service={{ service_name | urlencode }}">Is this information correct? Tell us</a>
    </p>

2. Pages whose templates cannot print their own address. The link works without JavaScript (the
   form opens without the page filled in); the script adds the page's address and title. On a
   site with a Content-Security-Policy, move the script into one of the site's own script files.

    <p class="govuk-body">
      <a class="govuk-link" id="lo-feedback-link" href="https://FEEDBACK-HOST/feedback/page">Is this information correct? Tell us</a>
    </p>
    <script>
      (function () {
        var link = document.getElementById("lo-feedback-link");
        var query = new URLSearchParams({url: window.location.href, service: document.title});
        link.href = link.href + "?" + query.toString();
      })();
    </script>

A URL that is not on one of the DIRECTORY_HOSTS is dropped without a word, never shown back:
otherwise anyone could make our page display a link or text of their choosing.
"""
import re
from urllib.parse import urlsplit

MAX_URL_LENGTH = 1000
MAX_SERVICE_NAME_LENGTH = 200
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Whitespace, control characters and backslashes: browsers and urlsplit disagree about them.
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\\]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def allowed_directory_url(url, allowed_hosts):
    """The URL, if it is an http(s) address on one of `allowed_hosts`; otherwise ""."""
    if not isinstance(url, str):
        return ""
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH or _UNSAFE.search(url):
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed IPv6 host or port
        return ""
    if parts.scheme.lower() not in _DEFAULT_PORTS or parts.username is not None or parts.password is not None:
        return ""
    if port is not None and port != _DEFAULT_PORTS[parts.scheme.lower()]:
        return ""
    if isinstance(allowed_hosts, str):  # a comma-separated setting
        allowed_hosts = allowed_hosts.split(",")
    hosts = {host.strip().lower().rstrip(".") for host in allowed_hosts if host.strip()}
    hostname = (parts.hostname or "").rstrip(".")
    if not hostname or hostname not in hosts:
        return ""
    return url


def clean_service_name(name):
    """The service's name as plain text on one line, or "" when there is none."""
    if not isinstance(name, str):
        return ""
    return " ".join(_CONTROL.sub(" ", name).split())[:MAX_SERVICE_NAME_LENGTH]
