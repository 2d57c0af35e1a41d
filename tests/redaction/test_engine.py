"""The engine on each identifier kind and form, one case each (no database)."""

import pytest

from portal.redaction.engine import apply, propose, redact
from portal.redaction.labels import Kind, Numbering
from portal.redaction.patterns import nhs_number_is_valid
from tests.redaction.corpus import KNOWN


@pytest.mark.parametrize("text, expected", [
    ("Aisha Singh visited.", "[Candidate] visited."),
    ("AISHA SINGH visited.", "[Candidate] visited."),
    ("aisha singh visited.", "[Candidate] visited."),
    ("Aisha_Singh visited.", "[Candidate] visited."),
    ("AishaSingh visited.", "[Candidate] visited."),
    ("aisha.singh@example.org wrote.", "[Email] wrote."),
    ("See Aisha_Singh_court-statement.pdf now.", "See [Candidate]_court-statement.pdf now."),
    ("See aisha-singh-notes.docx.", "See [Candidate]-notes.docx."),
    ("Aisha's view.", "[Candidate]'s view."),
    ("Singh's view.", "[Candidate]'s view."),
    ("Signed A.S. today.", "Signed [Candidate] today."),
    ("Signed A. S. today.", "Signed [Candidate] today."),
    ("Signed AS today.", "Signed AS today."),  # "AS" is a word in capitals
    ("Signed TW today.", "Signed [Line manager] today."),
    ("A. Singh and Aisha S. met.", "[Candidate] and [Candidate] met."),
    ("Helen Shaw observed; Helen agreed.", "[Assessor] observed; [Assessor] agreed."),
    ("Tomasz_Wojcik signed.", "[Line manager] signed."),
    ("The riverside family safeguarding rota.", "The [Team] rota."),
    ("Northshire County Council pays.", "[Council] pays."),
])
def test_known_names_in_every_form(text, expected):
    assert redact(text, KNOWN) == expected


def test_a_name_part_that_is_a_word_is_left_when_written_as_a_word():
    from portal.redaction.known import KnownName
    known = [KnownName("Hope Baker", Kind.CANDIDATE)]
    assert redact("I hope Hope is well, as hope_notes.pdf says.", known) == (
        "I hope [Candidate] is well, as [Candidate]_notes.pdf says.")


@pytest.mark.parametrize("number, valid", [
    ("9434765919", True), ("9434765918", False), ("4010232137", True), ("1234567890", False),
])
def test_nhs_numbers_are_checked_with_the_modulus_11_digit(number, valid):
    assert nhs_number_is_valid(number) is valid


@pytest.mark.parametrize("text, expected", [
    ("NHS 943 476 5919.", "NHS [NHS number]."),
    ("NHS 943-476-5919.", "NHS [NHS number]."),
    ("Case 9434765918.", "Case 9434765918."),  # fails the check: a case number
    ("NI AB 12 34 56 C here.", "NI [NI number] here."),
    ("NI ab123456c here.", "NI [NI number] here."),
    ("Not NI: GB123456A.", "Not NI: GB123456A."),
    ("In LS6 2AB today.", "In [Postcode] today."),
    ("In SW1A1AA today.", "In [Postcode] today."),
    ("He was born on 3 March 2015.", "He was born on [Date of birth]."),
    ("DOB: 03/03/2015.", "DOB: [Date of birth]."),
    ("(d.o.b. 3.3.15)", "(d.o.b. [Date of birth])"),
    ("Visit on 3 March 2025.", "Visit on 3 March 2025."),
    ("Call 07700 900123.", "Call [Phone]."),
    ("Call +44 7700 900123.", "Call [Phone]."),
    ("Call (0113) 496 0123.", "Call [Phone]."),
    ("Call 020 7946 0958.", "Call [Phone]."),
    ("Mail jo.b+x@nhs.example.net now.", "Mail [Email] now."),
    ("At 14 Mill Lane, Leeds.", "At [Address], Leeds."),
    ("At Flat 2, 14a Mill Lane.", "At [Address]"),
    ("Lives on Ashfield Road.", "Lives on [Address]."),
    ("The family Court met.", "The family Court met."),
])
def test_patterns(text, expected):
    assert redact(text, []) == expected


@pytest.mark.parametrize("text, expected", [
    ("Her son Leo was quiet.", "Her son [Child 1] was quiet."),
    ("Leo (7) was quiet.", "[Child 1] (7) was quiet."),
    ("Leo, aged 7, was quiet.", "[Child 1], aged 7, was quiet."),
    ("Leo, a 7-year-old, was quiet.", "[Person 1], a 7-year-old, was quiet."),
    ("Jayden Okonkwo rang.", "[Person 1] rang."),
    ("Mrs Fairbairn rang.", "[Person 1] rang."),
    ("I hope Grace is well.", "I hope Grace is well."),
    ("Her daughter Grace cried.", "Her daughter [Child 1] cried."),
    ("Grace Patel cried.", "[Person 1] cried."),
    ("The review in May went well.", "The review in May went well."),
])
def test_other_names(text, expected):
    assert redact(text, []) == expected


def test_numbers_stay_the_same_across_a_copy():
    numbering = Numbering()
    first = redact("Her son Leo Patel met Chloe.", [], numbering)
    second = redact("Chloe said Leo was happy; Ethan joined.", [], numbering)
    assert first == "Her son [Child 1] met [Person 1]."
    assert second == "[Person 1] said [Child 1] was happy; [Person 2] joined."


def test_overlaps_go_to_the_earlier_layer_and_proposals_apply_in_place():
    text = "Aisha_Singh_court-statement.pdf from Aisha"
    proposals = propose(text, KNOWN)
    assert [(p.found, p.kind) for p in proposals] == [
        ("Aisha_Singh", Kind.CANDIDATE), ("Aisha", Kind.CANDIDATE)]
    assert apply(text, [(0, 11, "[X]")]) == "[X]_court-statement.pdf from Aisha"
