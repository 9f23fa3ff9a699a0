"""Turning the report's HTML into a tagged PDF, with a URL fetcher that only serves the app's static files."""
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = (Path(__file__).resolve().parent.parent / "static").resolve()
STATIC_BASE_URL = STATIC_DIR.as_uri() + "/"
PDF_VARIANT = "pdf/ua-1"


class StaticOnlyFetcher(URLFetcher):
    """Serves data: URLs and files under the static folder; refuses the network and every other file."""

    def __init__(self, static_dir=STATIC_DIR):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.static_dir = Path(static_dir).resolve()
        self.refused = []

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._static_path(url)
            if path is not None:
                media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": media_type})
        self.refused.append(url)
        raise ValueError(f"the report may not load {url}")

    def _static_path(self, url):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        # resolve() follows symbolic links and "..", so neither can lead outside the folder.
        path = Path(unquote(parts.path)).resolve()
        if path.is_file() and path.is_relative_to(self.static_dir):
            return path
        return None


def render_pdf(html, fetcher=None):
    """PDF bytes of an HTML document: tagged (PDF/UA-1), title from <title>, language from <html lang>."""
    fetcher = fetcher or StaticOnlyFetcher()
    return HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)
