"""The identifier check on the sample corpus: every identifier is found, and clean text gives nothing."""
import email
import json
from datetime import date
from email import policy
from types import SimpleNamespace

import pytest

from feedback_app.cases.models import Reg56Topic
from feedback_app.publishing.identifiers import (
    KnownDetails,
    check_fields,
    check_text,
    is_valid_nhs_number,
    known_details,
    known_details_for,
    name_parts,
)
from tests.conftest import CORPUS
from tests.factories import make_case, make_service, make_user
from tests.publishing.conftest import CLEAN_WE_DID, CLEAN_YOU_SAID, TODAY, make_entry

FEEDBACK = json.loads((CORPUS / "feedback.json").read_text(encoding="utf-8"))
# What each piece of sample feedback with personal data holds, and the kind the check must call it.
EXPECTED = {
    "My daughter Amelia Hart": [
        ("Amelia Hart", "name"), ("14/02/2012", "date_of_birth"), ("Oakfield Academy", "school"),
        ("07700 900461", "phone"), ("amelia.hart.mum@example.org", "email"),
    ],
    "Mr and Mrs Okafor": [("Okafor", "name"), ("12 Church Lane", "address"), ("GL5 1AB", "postcode")],
    "My son's EHCP": [("943 476 5919", "nhs_number"), ("Sarah Collins", "name")],
}


def personal_email():
    message = email.message_from_bytes((CORPUS / "emails" / "20-personal-data.eml").read_bytes(), policy=policy.default)
    return message, message.get_body(preferencelist=("plain",)).get_content()


def found(text, results):
    return {(text[start:end], kind) for kind, start, end in results}


def assert_covered(text, results, needle, kind):
    """Some finding of `kind` covers all of `needle` in `text`."""
    start = text.index(needle)
    end = start + len(needle)
    assert any(k == kind and s <= start and end <= e for k, s, e in results), (needle, kind, found(text, results))


def test_every_identifier_in_the_sample_feedback_is_found():
    bodies = {prefix: next(item["body"] for item in FEEDBACK if item["body"].startswith(prefix)) for prefix in EXPECTED}
    for prefix, identifiers in EXPECTED.items():
        results = check_text(bodies[prefix], today=TODAY)
        for needle, kind in identifiers:
            assert_covered(bodies[prefix], results, needle, kind)


def test_every_identifier_in_the_personal_data_email_is_found():
    message, body = personal_email()
    assert "Brookside School" in body  # quoted-printable soft break decoded
    results = check_text(body, today=TODAY)
    for needle, kind in [("Oliver Evans", "name"), ("03/07/2013", "date_of_birth"), ("485 777 3456", "nhs_number"),
                         ("Brookside School", "school"), ("GL2 4PE", "postcode"), ("01452 496000", "phone")]:
        assert_covered(body, results, needle, kind)


def test_sample_feedback_without_personal_data_gives_no_findings():
    clean = [item["body"] for item in FEEDBACK
             if not any(item["body"].startswith(prefix) for prefix in EXPECTED)]
    assert len(clean) == 17
    for body in clean + [CLEAN_YOU_SAID, CLEAN_WE_DID]:
        assert check_text(body, today=TODAY) == [], body


def test_drafting_from_the_corpus_cases_flags_every_identifier(people, theme):
    """The sample feedback as cases; an entry that quotes them, and one that only echoes their details."""
    message, email_body = personal_email()
    sender = message["From"].addresses[0]
    email_case = make_case(email_body, consent_publish=False, reg56_topic=Reg56Topic.CONTENT_QUALITY,
                           contact_name=sender.display_name, contact_email=sender.addr_spec)
    cases = [email_case]
    for item in FEEDBACK:
        if not Reg56Topic(item["reg56_topic"]).is_exclusion:
            cases.append(make_case(item["body"], consent_publish=item["consent_publish"],
                                   reg56_topic=item["reg56_topic"]))
    quoted = "\n".join(case.body for case in cases)
    entry = make_entry(people["author"], theme, cases, you_said=quoted, is_paraphrase=True)
    results = [(f.kind, f.start, f.start + f.length)
               for f in entry.findings if f.field == "you_said"]
    for identifiers in [EXPECTED["My daughter Amelia Hart"], EXPECTED["Mr and Mrs Okafor"]]:
        for needle, kind in identifiers:
            assert_covered(quoted, results, needle, kind)
    for needle, kind in [("Oliver Evans", "name"), ("03/07/2013", "date_of_birth"), ("485 777 3456", "nhs_number"),
                         ("Brookside School", "school"), ("GL2 4PE", "postcode"), ("01452 496000", "phone")]:
        assert_covered(quoted, results, needle, kind)

    echo = ("Amelia's mum wrote to us, and so did Mark. The Okafors live on Church Lane. "
            "Write to mark.evans@example.org. The brookside school family.")
    results = check_text(echo, known_details_for(cases), today=TODAY)
    for needle, kind in [("Amelia", "name"), ("Mark", "name"), ("Church Lane", "address"),
                         ("mark.evans@example.org", "email"), ("brookside school", "school")]:
        assert_covered(echo, results, needle, kind)


def test_the_excluded_case_is_checked_too():
    body = next(item["body"] for item in FEEDBACK if item["reg56_topic"] == "individual_case")
    results = check_text(body, today=TODAY)
    assert_covered(body, results, "943 476 5919", "nhs_number")
    assert_covered(body, results, "Sarah Collins", "name")


# --- NHS numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("number,valid", [("9434765919", True), ("4857773456", False), ("4010232137", True),
                                          ("4010232138", False), ("1234567890", False), ("943476591", False)])
def test_the_nhs_checksum(number, valid):
    assert is_valid_nhs_number(number) is valid


def test_a_checksum_valid_nhs_number_is_found_however_it_is_spaced():
    for written in ["9434765919", "943 476 5919", "943-476-5919"]:
        text = f"Reference {written} was given."
        assert found(text, check_text(text, today=TODAY)) == {(written, "nhs_number")}


def test_a_checksum_invalid_ten_digit_number_is_not_flagged():
    text = "Order 485 777 3456 and invoice 4857773456 and batch 123-456-7890."
    assert check_text(text, today=TODAY) == []


def test_a_number_the_text_calls_an_nhs_number_is_flagged_even_with_a_typo():
    text = "His NHS number is 485 777 3456."
    assert found(text, check_text(text, today=TODAY)) == {("485 777 3456", "nhs_number")}


# --- Dates of birth, phones, postcodes, addresses, schools --------------------------------------

@pytest.mark.parametrize("text,flagged", [
    ("born 3 March 1990", "3 March 1990"),
    ("DOB: 03/03/1990", "03/03/1990"),
    ("date of birth 3rd March 1990", "3rd March 1990"),
    ("She was born in March 2013.", "March 2013"),
    ("We met on 14 February 2012.", "14 February 2012"),
    ("On 04/11/2026 we met.", "04/11/2026"),
    ("Published on March 5, 2020.", "March 5, 2020"),
])
def test_dates_that_could_be_dates_of_birth_are_flagged(text, flagged):
    assert found(text, check_text(text, today=TODAY)) == {(flagged, "date_of_birth")}


@pytest.mark.parametrize("text", [
    "The policy dates from 3 March 1990.",  # older than 25 years, and no cue
    "We will review it in March 2027.",  # a month and year, no cue
    "The page was updated in 2026.",
    "It was 31/02/2020 apparently.",  # not a real date
])
def test_other_dates_are_left_alone(text):
    assert check_text(text, today=TODAY) == []


@pytest.mark.parametrize("written", ["07700 900461", "07700900461", "+44 7700 900461", "(01452) 496000",
                                     "0117 496 0123", "020 7946 0000"])
def test_uk_phone_numbers_are_found(written):
    text = f"Ring {written} today."
    assert found(text, check_text(text, today=TODAY)) == {(written, "phone")}


def test_counts_and_years_are_not_phone_numbers():
    assert check_text("We had 2026 comments and 18 months of waiting, 10 weeks late.", today=TODAY) == []


@pytest.mark.parametrize("postcode", ["GL5 1AB", "gl5 1ab", "SW1A 2AA", "M1 1AE", "EC1A1BB", "B33 8TH", "CR2 6XH"])
def test_postcodes_are_found_in_any_case(postcode):
    text = f"Near {postcode}, by the shops."
    assert found(text, check_text(text, today=TODAY)) == {(postcode, "postcode")}


def test_addresses_are_found():
    text = "They live at Flat 3, 12 High St and work at 4 Green Lane."
    assert found(text, check_text(text, today=TODAY)) == {
        ("Flat 3, 12 High St", "address"), ("4 Green Lane", "address")}


def test_named_schools_are_found_but_generic_ones_are_not():
    text = ("Does St Mary's Primary School help? The Cotswold Academy does. Special School places and "
            "Sixth Form College courses are listed, and so is Forest School.")
    assert found(text, check_text(text, today=TODAY)) == {
        ("St Mary's Primary School", "school"), ("Cotswold Academy", "school")}


def test_names_introduced_by_the_text_are_found():
    text = "We asked Mrs Smith, and Dr. Patel, and my son Tom. Her social worker, Jane Doe, agreed."
    assert found(text, check_text(text, today=TODAY)) == {
        ("Smith", "name"), ("Patel", "name"), ("Tom", "name"), ("Jane Doe", "name")}


# --- Details held on the cases and in the directory ---------------------------------------------

def test_contact_names_are_looked_for_by_parts_of_three_letters_or_more():
    assert name_parts("Jo Bloggs-Parent") == ["Jo Bloggs-Parent", "Bloggs-Parent", "Bloggs", "Parent"]
    case = SimpleNamespace(contact_name="Jo Bloggs-Parent", on_behalf_of="", contact_email="jo@family.example",
                           contact_phone="07700 900123", body="")
    known = known_details([case])
    text = "Jo said Bloggs was right; a parent wrote. Email JO@family.example or ring +44 (0)7700-900-123."
    results = found(text, check_text(text, known, today=TODAY))
    assert ("Bloggs", "name") in results and ("JO@family.example", "email") in results
    assert ("+44 (0)7700-900-123", "phone") in results
    assert ("Jo", "name") not in results  # two letters: too short to look for alone
    assert ("parent", "name") not in results  # lower case: the word, not the name


def test_staff_and_settings_from_the_directory_are_looked_for(app):
    lead = make_user(name="Sarah Collins")
    service = make_service(name="Brookside School outreach", leads=[lead])
    service.description = "Manager: Priya Shah. Runs sessions at Meadow Vale Nursery."
    known = known_details([], [service])
    text = "Collins and Priya Shah agreed; the meadow vale nursery and brookside school will help."
    results = found(text, check_text(text, known, today=TODAY))
    assert {("Collins", "staff_name"), ("Priya Shah", "staff_name"), ("meadow vale nursery", "school"),
            ("brookside school", "school")} <= results


def test_findings_name_the_field_and_never_carry_the_text():
    findings = check_fields({"title": "For Amelia", "you_said": "Call 07700 900461", "we_did": ""},
                            KnownDetails(names=("Amelia",)), today=TODAY)
    assert [(f.kind, f.field, f.start, f.length) for f in findings] == [("name", "title", 4, 6),
                                                                       ("phone", "you_said", 5, 12)]
    assert not any("Amelia" in str(value) for f in findings for value in vars(f).values())


def test_the_check_uses_today_for_the_twenty_five_years():
    text = "On 1 January 2002 it opened."
    assert check_text(text, today=date(2026, 1, 1)) != []
    assert check_text(text, today=date(2027, 1, 2)) == []
