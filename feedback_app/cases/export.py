"""The queue as CSV, written row by row and safe to open in a spreadsheet."""
import csv
import io

from feedback_app.cases.display import is_overdue
from feedback_app.cases.models import CaseStatus, Channel, Reg56Topic, ReplyPreference, SubmitterRole
from feedback_app.common.spreadsheets import neutralise

HEADER = [
    "Reference", "Received on", "Channel", "Who gave it", "Topic", "Themes", "Services", "Status",
    "Respond by", "Overdue", "Feedback",
]
CONTACT_HEADER = ["Name", "Email", "Phone", "On behalf of", "Reply wanted"]
# Excel reads a UTF-8 file as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff"


def csv_filename(today):
    return f"cases-{today.isoformat()}.csv"


def case_row(case, *, today, with_contact):
    row = [
        case.reference,
        case.received_on.isoformat() if case.received_on else "",
        Channel(case.channel).label,
        SubmitterRole(case.submitter_role).label,
        Reg56Topic(case.reg56_topic).label if case.reg56_topic else "",
        "; ".join(theme.name for theme in case.themes),
        "; ".join(service.name for service in case.services),
        CaseStatus(case.status).label + (" (merged duplicate)" if case.merged_into_id else ""),
        case.respond_by.isoformat() if case.respond_by else "",
        "yes" if is_overdue(case, today) else "no",
        case.body,
    ]
    if with_contact:
        row += [
            case.contact_name, case.contact_email, case.contact_phone, case.on_behalf_of,
            ReplyPreference(case.reply_preference).label,
        ]
    return [neutralise(cell) for cell in row]


def export_rows(cases, *, today, with_contact, chunk_size=16_384):
    """CSV text in chunks: the header, then a line per case (contact columns only if allowed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(HEADER + (CONTACT_HEADER if with_contact else []))
    for case in cases:
        writer.writerow(case_row(case, today=today, with_contact=with_contact))
        if buffer.tell() >= chunk_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
