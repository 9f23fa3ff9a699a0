"""Public pages: entries by theme and year, the Atom feed, open data, and families' "Did this help?" answers."""
from datetime import UTC, datetime

from flask import Response, abort, current_app, jsonify, render_template, request, stream_with_context, url_for

from feedback_app.common.pagination import MAX_PAGE, page_number, pagination
from feedback_app.publishing import bp
from feedback_app.publishing.feed import MEDIA_TYPE, build_feed
from feedback_app.publishing.forms import VoteForm
from feedback_app.publishing.models import EntryStatus
from feedback_app.publishing.open_data import csv_chunks, entry_json, openapi_document
from feedback_app.publishing.queries import (
    MAX_PER_PAGE,
    PUBLIC_PAGE_SIZE,
    PublicFilters,
    get_entry_of_notice,
    get_published_entry,
    iter_published_entries,
    latest_public_change,
    list_feed_entries,
    list_published_entries,
    list_published_themes,
    list_published_years,
)
from feedback_app.publishing.reporting_years import configured_start_month, year_label
from feedback_app.publishing.notices import VoteClosed, find_notice_by_token, record_answer

OPEN_DATA_MAX_AGE = 300
ANSWERS = {"yes": True, "no": False}


# --- Pages ------------------------------------------------------------------------------------

@bp.route("/you-said-we-did")
def public_entries():
    filters = PublicFilters.from_args(request.args)
    start_month = configured_start_month()
    page = list_published_entries(filters, page=page_number(request.args.get("page")), start_month=start_month)
    themes = list_published_themes()
    years = list_published_years()
    args = filters.to_args()
    return render_template(
        "publishing/public-entries.html", page=page, filters=filters, args=args,
        theme_items=[{"value": "", "text": "All themes"}] + [
            {"value": theme.slug, "text": theme.name, "selected": theme.slug == filters.theme} for theme in themes],
        year_items=[{"value": "", "text": "All years"}] + [
            {"value": str(year), "text": year_label(year, start_month), "selected": year == filters.year}
            for year in years],
        pagination=pagination(page, lambda number: url_for(
            "publishing.public_entries", **args, **({"page": number} if number > 1 else {}))),
        csv_url=url_for("publishing.api_entries_csv", **{k: v for k, v in args.items() if k != "q"}),
    )


@bp.route("/you-said-we-did/<int:entry_id>")
def public_entry(entry_id):
    entry = get_published_entry(entry_id, start_month=configured_start_month())
    if entry is None:
        abort(404)
    return render_template("publishing/public-entry.html", entry=entry)


@bp.route("/you-said-we-did/feed.atom")
def feed():
    config = current_app.config
    entries = list_feed_entries(start_month=configured_start_month())
    body = build_feed(
        entries,
        title=f"You said, we did: {config['COUNCIL_NAME']} Local Offer",
        feed_url=url_for("publishing.feed", _external=True),
        page_url=url_for("publishing.public_entries", _external=True),
        author=config["COUNCIL_NAME"],
        domain=config["MAIL_DOMAIN"],
        updated=latest_public_change() or datetime.now(UTC),
        entry_url=lambda entry: url_for("publishing.public_entry", entry_id=entry.id, _external=True),
    )
    return Response(body, mimetype=MEDIA_TYPE, headers={"Cache-Control": f"public, max-age={OPEN_DATA_MAX_AGE}"})


# --- Open data --------------------------------------------------------------------------------

@bp.route("/api/v1/entries")
def api_entries():
    filters = _api_filters()
    number = _api_int("page", default=1, minimum=1, maximum=MAX_PAGE)
    per_page = _api_int("per_page", default=PUBLIC_PAGE_SIZE, minimum=1, maximum=MAX_PER_PAGE)
    page = list_published_entries(filters, page=number, per_page=per_page, start_month=configured_start_month())
    args = filters.to_args()

    def link(target):
        return url_for("publishing.api_entries", **args, page=target, per_page=per_page, _external=True)

    body = {
        "data": [entry_json(entry, _entry_url(entry)) for entry in page.items],
        "meta": {"page": page.page, "per_page": per_page, "total": page.total, "pages": page.pages},
        "links": {
            "self": link(page.page),
            "first": link(1),
            "last": link(page.pages),
            "next": link(page.page + 1) if page.page < page.pages else None,
            "prev": link(min(page.page - 1, page.pages)) if page.page > 1 else None,
        },
    }
    return _open_data(jsonify(body))


@bp.route("/api/v1/entries.csv")
def api_entries_csv():
    filters = _api_filters()
    entries = iter_published_entries(filters, start_month=configured_start_month())
    response = Response(stream_with_context(csv_chunks(entries, _entry_url)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="you-said-we-did.csv"'
    return _open_data(response)


@bp.route("/api/v1/openapi.json")
def openapi():
    config = current_app.config
    document = openapi_document(server_url=request.host_url.rstrip("/"), council_name=config["COUNCIL_NAME"],
                                contact_email=config["CONTACT_EMAIL"])
    return _open_data(jsonify(document))


def _api_filters():
    """Strict, for programs: a bad value is a 400 that says what is wrong, not a silently wider answer."""
    theme = (request.args.get("theme") or "").strip()
    if len(theme) > 80:
        abort(400, description="theme must be a theme slug of 80 characters or fewer")
    year = _api_int("year", default=None, minimum=2014, maximum=2100)
    return PublicFilters(theme=theme, year=year)


def _api_int(name, *, default, minimum, maximum=None):
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum or (maximum is not None and int(raw) > maximum):
        limit = f" and {maximum}" if maximum is not None else " or more"
        between = f"between {minimum}{limit}" if maximum is not None else f"{minimum}{limit}"
        abort(400, description=f"{name} must be a whole number {between}")
    return int(raw)


def _open_data(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={OPEN_DATA_MAX_AGE}"
    return response


def _entry_url(entry):
    return url_for("publishing.public_entry", entry_id=entry.id, _external=True)


# --- "Did this help?" -------------------------------------------------------------------------

@bp.route("/entries/vote/<token>/<answer>", methods=["GET", "POST"])
def vote(token, answer):
    """GET only asks (mail scanners follow links); the answer is recorded by the POST of that page."""
    if answer not in ANSWERS:
        abort(404)
    notice = find_notice_by_token(token)
    if notice is None:
        abort(404)
    entry = get_entry_of_notice(notice)
    if entry is None or entry.status != EntryStatus.PUBLISHED:
        return _private(render_template("publishing/vote-closed.html"), 410)
    form = VoteForm()
    if form.validate_on_submit():
        try:
            record_answer(notice, helpful=ANSWERS[answer])
        except VoteClosed:
            return _private(render_template("publishing/vote-closed.html"), 410)
        return _private(render_template("publishing/vote-recorded.html", entry=entry, answer=answer))
    return _private(render_template("publishing/vote.html", form=form, entry=entry, answer=answer,
                                    previous=notice.helpful), 400 if form.errors else 200)


def _private(body, status=200):
    """The token is in the address: no cache may keep the page, no referrer may carry it elsewhere."""
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
