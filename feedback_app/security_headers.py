"""Security headers on every response: a strict Content-Security-Policy with a per-request nonce."""
import secrets

from flask import g, request, session

# Only the page's own files, plus inline scripts that carry this request's nonce (the GOV.UK
# template's js-enabled line and the initAll module). No inline styles: style-src has no nonce.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce():
    """This request's nonce: templates put it on each inline <script>."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def add_security_headers(response):
    # A view may set a stricter policy of its own (attachment downloads add `sandbox`): keep it.
    response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    # Staff pages show personal data about children: no copy in the browser's or a proxy's cache.
    if "_user_id" in session and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_security_headers(app):
    app.add_template_global(csp_nonce)
    app.after_request(add_security_headers)
