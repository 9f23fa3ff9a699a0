"""Hypothesis strategies: form answers (valid, hostile and random) and raw email (random and mutated MIME)."""
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from feedback_app.cases.models import Channel, Reg56Topic, ReplyPreference, SubmitterRole
from tests.conftest import CORPUS
from tests.security.hostile import HOSTILE

# Modest and reproducible: the same examples on every run (derandomize), no example database on disk.
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Anything a browser can send: no lone surrogates (they cannot be encoded as UTF-8 form data).
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400)
hostile = st.sampled_from(HOSTILE)


def answer(*valid):
    """A field's value: one the form offers, a hostile string, random text, or nothing at all."""
    return st.one_of(st.sampled_from([str(value) for value in valid]) if valid else st.nothing(),
                     hostile, any_text, st.just(""))


def fields(**strategies):
    """Form data with some fields left out, as a hand-made request would."""
    return st.fixed_dictionaries({}, optional=strategies)


WEB_STEPS = {
    "your-feedback": fields(feedback=answer("The short breaks page is out of date."), website=answer()),
    "what-it-is-about": fields(topic=answer(*Reg56Topic)),
    "who-you-are": fields(role=answer(*SubmitterRole)),
    "who-for": fields(on_behalf_of=answer("My son")),
    "themes": fields(themes=st.lists(answer("short-breaks"), max_size=4)),
    "reply": fields(reply=answer(*ReplyPreference)),
    "email-address": fields(email=answer("parent@example.org", "a@b", "@"), name=answer("Sam")),
    "phone-number": fields(phone=answer("01632 960 001", "+44 808 157 0192", "999"), name=answer("Sam")),
    "publishing": fields(consent=answer("yes", "no")),
}
web_journey = st.fixed_dictionaries(WEB_STEPS)
check_answers = fields(token=answer(), website=answer())

date_part = st.one_of(st.integers(-5, 3000).map(str), any_text, st.just(""))
staff_entry = fields(
    channel=answer(*Channel), received_on=st.lists(date_part, max_size=4), feedback=answer("Caller says it is wrong."),
    role=answer(*SubmitterRole), on_behalf_of=answer(), topic=answer(*Reg56Topic, "undecided"),
    themes=st.lists(answer("short-breaks"), max_size=3), contact_name=answer("Jo"),
    contact_email=answer("jo@example.org"), contact_phone=answer("01632 960 001"),
    reply=answer(*ReplyPreference), consent=answer("yes", "no"),
)

# --- Email ------------------------------------------------------------------------------------

CORPUS_EMAILS = [path.read_bytes() for path in sorted((CORPUS / "emails").glob("*.eml"))]
HOSTILE_HEADERS = [
    b"Subject: =?utf-8?b?PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==?=\n",
    b"Subject: =?x-unknown?q?=FF=FE=00?=\n",
    b"Content-Type: multipart/mixed; boundary=\"\"\n",
    b"Content-Type: multipart/alternative\n",
    b"Content-Type: text/plain; charset=\"utf-7\"\n",
    b"Content-Type: text/html; charset=\"no-such-charset\"\n",
    b"Content-Transfer-Encoding: base64\n",
    b"Content-Transfer-Encoding: quoted-printable\n",
    b"Content-Disposition: attachment; filename*=utf-8''%00%FF..%2F..%2Fetc%2Fpasswd\n",
    b"From: \"\\\"<script>\" <@>\n",
    b"From: =?utf-8?q?=00?= <a@b@c>\n",
    b"Message-ID: <" + b"x" * 2000 + b">\n",
    b"In-Reply-To: <>\n",
    b"References: " + b"<a@b> " * 500 + b"\n",
    b"Date: Tue, 99 Foo 10000 99:99:99 +9999\n",
    b"Subject: LO-2026-00001 LO-9999-99999999999999999999\n",
]


@st.composite
def mutated_email(draw):
    """A corpus message with bytes flipped, cut, inserted, or hostile headers and parts spliced in."""
    raw = bytearray(draw(st.sampled_from(CORPUS_EMAILS)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(raw)))
        operation = draw(st.sampled_from(["flip", "cut", "insert", "header", "truncate", "boundary"]))
        if operation == "flip" and position < len(raw):
            raw[position] = draw(st.integers(0, 255))
        elif operation == "cut":
            del raw[position:position + draw(st.integers(1, 200))]
        elif operation == "insert":
            raw[position:position] = draw(st.binary(max_size=200))
        elif operation == "header":
            raw[0:0] = draw(st.sampled_from(HOSTILE_HEADERS))
        elif operation == "truncate":
            del raw[position:]
        elif operation == "boundary":
            raw[position:position] = b"\n--" + draw(st.binary(max_size=30)) + b"\nContent-Type: text/html\n\n" + \
                draw(st.sampled_from(HOSTILE)).encode("utf-8", "replace") + b"\n"
    return bytes(raw)


raw_email = st.one_of(st.binary(max_size=2000), mutated_email())
