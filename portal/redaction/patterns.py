"""Layer 2: identifiers with a shape: NHS numbers (only those whose modulus 11 check digit
is right, so a case number or a phone number is not taken for one), National Insurance
numbers, UK postcodes, dates of birth (a date next to "born", "DOB" or "date of birth":
other dates, such as a visit's, say nothing about who someone is), phone numbers, email
addresses and street addresses."""

import re

from portal.redaction.labels import Kind

MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
          r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
DATE = (r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}\.?,?\s+\d{{2,4}}"
        rf"|{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
        r"|\d{4}-\d{2}-\d{2})")
BIRTH_CUE = (r"(?:born(?:\s+on)?|d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birthday(?:\s+is)?"
             r"|birth\s+date)")
STREET = (r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Court|Place|"
          r"Gardens|Terrace|Grove|Hill|Square|Walk|Rise|Mews|Row|Parade|Green)")
# Street names without a house number: only suffixes a non-address rarely ends with
# ("the family Court", "the Way forward" are not addresses).
STREET_ALONE = r"(?:Road|Street|Avenue|Lane|Close|Drive|Crescent|Gardens|Terrace|Grove|Mews)"

PATTERNS = [
    (Kind.EMAIL, re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    (Kind.NHS_NUMBER, re.compile(r"(?<![\d+])\d{3}[\s\-]?\d{3}[\s\-]?\d{4}(?!\d)")),
    (Kind.NI_NUMBER, re.compile(
        r"(?<![^\W_])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
        r"\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D](?![^\W_])", re.IGNORECASE)),
    (Kind.PHONE, re.compile(
        r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s\-]?\d{3,4}[\s\-]?\d{3,4}(?!\d)")),
    (Kind.DATE_OF_BIRTH, re.compile(
        rf"\b{BIRTH_CUE}\s*(?:[:\-]\s*|was\s+|on\s+|in\s+)?(?P<value>{DATE})",
        re.IGNORECASE)),
    (Kind.ADDRESS, re.compile(
        r"(?:(?:Flat|Apartment|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+"
        rf"(?:[A-Z][a-z']+\s+){{1,3}}{STREET}\b\.?")),
    (Kind.ADDRESS, re.compile(rf"\b(?:[A-Z][a-z']+\s+){{1,2}}{STREET_ALONE}\b")),
    (Kind.POSTCODE, re.compile(
        r"(?<![^\W_])(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})"
        r"(?![^\W_])")),
]


def nhs_number_is_valid(digits: str) -> bool:
    """The modulus 11 check: weights 10 down to 2 on the first nine digits; 11 minus the
    remainder is the tenth (11 counts as 0, and 10 means no valid number)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], weights, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_patterns(text: str):
    """Yield (start, end, kind) for each identifier with a shape."""
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if kind == Kind.NHS_NUMBER and not nhs_number_is_valid(
                    re.sub(r"\D", "", match.group())):
                continue
            if kind == Kind.DATE_OF_BIRTH:
                yield match.start("value"), match.end("value"), kind
                continue
            yield match.start(), match.end(), kind
