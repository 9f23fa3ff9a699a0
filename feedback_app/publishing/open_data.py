"""Open data: published entries as JSON and CSV, and the OpenAPI 3.1 document that describes both."""
import csv
import io

from feedback_app.cases.models import Reg56Topic
from feedback_app.common.pagination import MAX_PAGE
from feedback_app.common.spreadsheets import neutralise
from feedback_app.publishing.feed import rfc3339
from feedback_app.publishing.queries import MAX_PER_PAGE, PUBLIC_PAGE_SIZE

CSV_HEADER = [
    "id", "url", "title", "you_said", "we_did", "we_could_not", "theme", "theme_name", "regulation_56_topic",
    "regulation_56_topic_label", "reporting_year", "reporting_year_label", "comments", "actions",
    "published_at", "updated_at",
]


def entry_json(entry, url):
    return {
        "id": entry.id,
        "url": url,
        "title": entry.title,
        "you_said": entry.you_said,
        "we_did": entry.we_did,
        "we_could_not": entry.we_could_not or None,
        "theme": {"slug": entry.theme_slug, "name": entry.theme_name} if entry.theme_slug else None,
        "regulation_56_topic": {"code": entry.topic, "label": entry.topic_label},
        "reporting_year": {"starts": entry.reporting_year, "label": entry.reporting_year_label},
        "comments": {"count": entry.comments, "text": entry.comments_text},
        "actions": [{"description": action.description, "status": action.status, "status_label": action.status_label}
                    for action in entry.actions],
        "published_at": rfc3339(entry.published_at),
        "updated_at": rfc3339(entry.updated_at),
    }



def csv_row(entry, url):
    row = [
        entry.id, url, entry.title, entry.you_said, entry.we_did, entry.we_could_not, entry.theme_slug,
        entry.theme_name, entry.topic, entry.topic_label, entry.reporting_year, entry.reporting_year_label,
        entry.comments_text,
        "; ".join(f"{action.description} ({action.status_label})" for action in entry.actions),
        rfc3339(entry.published_at), rfc3339(entry.updated_at),
    ]
    return [neutralise(cell) for cell in row]


def csv_chunks(entries, entry_url, chunk_size=16_384):
    """The CSV as text chunks: a header, then a line per entry."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for entry in entries:
        writer.writerow(csv_row(entry, entry_url(entry)))
        if buffer.tell() >= chunk_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- OpenAPI ----------------------------------------------------------------------------------

def _filters():
    return [
        {"name": "year", "in": "query", "required": False,
         "description": "Reporting year, by the calendar year it starts in (2026 for 2026 to 2027).",
         "schema": {"type": "integer", "minimum": 2014, "maximum": 2100}},
        {"name": "theme", "in": "query", "required": False, "description": "Theme slug, as in `theme.slug`.",
         "schema": {"type": "string", "maxLength": 80}},
    ]


def _error_response(description):
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi_document(*, server_url, council_name, contact_email):
    text = {"type": "string"}
    nullable_text = {"type": ["string", "null"]}
    timestamp = {"type": "string", "format": "date-time"}
    uri = {"type": "string", "format": "uri"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{council_name}: You Said, We Did",
            "version": "1.0.0",
            "summary": "Published responses to feedback about the SEND Local Offer.",
            "description": (
                "Comments about the Local Offer and the council's response, published under regulation 56 of "
                "the SEND Regulations 2014. Only published entries appear, and nothing that identifies anyone: "
                "numbers of comments below the small-number threshold are given as text only."
            ),
            "contact": {"email": contact_email},
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/entries": {
                "get": {
                    "operationId": "listEntries",
                    "summary": "Published entries, newest first, a page at a time",
                    "parameters": [
                        {"name": "page", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
                        {"name": "per_page", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                    "default": PUBLIC_PAGE_SIZE}},
                        *_filters(),
                    ],
                    "responses": {
                        "200": {"description": "A page of entries", "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/EntryPage"}}}},
                        "400": _error_response("A parameter is not valid"),
                    },
                },
            },
            "/api/v1/entries.csv": {
                "get": {
                    "operationId": "downloadEntries",
                    "summary": "Every published entry matching the filters, as CSV (oldest first)",
                    "description": "Cells that a spreadsheet would run as a formula start with an apostrophe.",
                    "parameters": _filters(),
                    "responses": {
                        "200": {"description": "CSV with a header row: " + ", ".join(CSV_HEADER),
                                "content": {"text/csv": {"schema": {"type": "string"}}}},
                        "400": _error_response("A parameter is not valid"),
                    },
                },
            },
        },
        "components": {
            "schemas": {
                "Entry": {
                    "type": "object",
                    "required": ["id", "url", "title", "you_said", "we_did", "we_could_not", "theme",
                                 "regulation_56_topic", "reporting_year", "comments", "actions", "published_at",
                                 "updated_at"],
                    "properties": {
                        "id": {"type": "integer"},
                        "url": {"type": "string", "format": "uri"},
                        "title": text,
                        "you_said": text,
                        "we_did": text,
                        "we_could_not": nullable_text,
                        "theme": {"oneOf": [{"type": "null"}, {
                            "type": "object", "required": ["slug", "name"],
                            "properties": {"slug": text, "name": text}}]},
                        "regulation_56_topic": {
                            "type": "object", "required": ["code", "label"],
                            "properties": {"code": {"type": "string", "enum": [
                                topic.value for topic in Reg56Topic if not topic.is_exclusion]}, "label": text}},
                        "reporting_year": {
                            "type": "object", "required": ["starts", "label"],
                            "properties": {"starts": {"type": "integer"}, "label": text}},
                        "comments": {
                            "type": "object", "required": ["count", "text"],
                            "description": "How many comments the entry answers; `count` is null when the "
                                           "number is too small to publish, and `text` says \"fewer than 5\".",
                            "properties": {"count": {"type": ["integer", "null"]}, "text": text}},
                        "actions": {"type": "array", "items": {
                            "type": "object", "required": ["description", "status", "status_label"],
                            "properties": {
                                "description": text,
                                "status": {"type": "string", "enum": ["planned", "in_progress", "done", "cancelled"]},
                                "status_label": text}}},
                        "published_at": timestamp,
                        "updated_at": timestamp,
                    },
                },
                "EntryPage": {
                    "type": "object",
                    "required": ["data", "meta", "links"],
                    "properties": {
                        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Entry"}},
                        "meta": {"type": "object", "required": ["page", "per_page", "total", "pages"],
                                 "properties": {name: {"type": "integer"}
                                                for name in ("page", "per_page", "total", "pages")}},
                        "links": {"type": "object", "required": ["self", "first", "last", "next", "prev"],
                                  "properties": {
                                      **{name: uri for name in ("self", "first", "last")},
                                      **{name: {**uri, "type": ["string", "null"]} for name in ("next", "prev")},
                                  }},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["status", "error", "message"],
                    "properties": {"status": {"type": "integer"}, "error": text, "message": text},
                },
            },
        },
    }
