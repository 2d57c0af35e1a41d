"""The multipart decoder that finds a part's end with `bytes.find` first gives exactly
Werkzeug's events, and is what the app's form parser uses."""

import random

import pytest
from werkzeug import formparser
from werkzeug.sansio.multipart import Epilogue, MultipartDecoder, NeedData

from portal.core.multipart import BoundaryFirstDecoder, BoundarySearch

BOUNDARY = b"bench0123abcd"


def events(decoder_class, body: bytes, chunk: int) -> list:
    """Every event the decoder gives for `body` fed `chunk` bytes at a time, ending with
    the epilogue or the error it raised (contents may end a part early)."""
    decoder = decoder_class(BOUNDARY, max_form_memory_size=None, max_parts=None)
    seen = []
    try:
        _decode(decoder, body, chunk, seen)
    except ValueError as error:
        seen.append(("error", str(error)))
    return seen


def _decode(decoder, body: bytes, chunk: int, seen: list) -> None:
    chunks = [body[i:i + chunk] for i in range(0, len(body), chunk)] + [None]
    for data in chunks:
        decoder.receive_data(data)
        event = decoder.next_event()
        while not isinstance(event, Epilogue | NeedData):
            seen.append(event)
            event = decoder.next_event()
        if isinstance(event, Epilogue):
            seen.append(event)
            break
    return seen


def body(contents: list[bytes], line_break: bytes = b"\r\n") -> bytes:
    parts = [b"--" + BOUNDARY + line_break]
    for n, content in enumerate(contents):
        parts.append(b'Content-Disposition: form-data; name="f%d"; filename="a.pdf"' % n
                     + line_break + line_break + content + line_break)
        last = n == len(contents) - 1
        parts.append(b"--" + BOUNDARY + (b"--" if last else b"") + line_break)
    return b"".join(parts)


TRICKY = [
    b"plain",
    b"",
    b"--" + BOUNDARY,  # the boundary's text with no line break before it
    b"x--" + BOUNDARY + b"x\r\n--" + BOUNDARY[:-1],
    b"\r\r\n\n--" + BOUNDARY[:5] + b"\r\n",
    b"ends with a line break\r\n",
    b"-" * 200 + b"\r\n--",
]


@pytest.mark.parametrize("line_break", [b"\r\n", b"\n", b"\r"])
@pytest.mark.parametrize("chunk", [1, 7, 64, 65536])
def test_same_events_as_werkzeug_for_awkward_contents(line_break, chunk):
    sent = body(TRICKY, line_break)
    ours = events(BoundaryFirstDecoder, sent, chunk)
    assert ours == events(MultipartDecoder, sent, chunk)
    assert isinstance(ours[-1], Epilogue)


def test_same_events_as_werkzeug_for_random_bodies():
    rng = random.Random(7)
    pieces = [b"a", b"\r", b"\n", b"-", b"--", b"\r\n", b"--" + BOUNDARY, BOUNDARY[:4]]
    outcomes = set()
    for _ in range(300):
        contents = [b"".join(rng.choices(pieces, k=rng.randint(0, 40)))
                    for _ in range(rng.randint(1, 3))]
        sent = body(contents, rng.choice([b"\r\n", b"\n", b"\r"]))
        chunk = rng.choice([1, 3, 16, 100, 65536])
        ours = events(BoundaryFirstDecoder, sent, chunk)
        assert ours == events(MultipartDecoder, sent, chunk), (contents, chunk)
        outcomes.add(type(ours[-1]))
    assert outcomes == {Epilogue, tuple}  # both well-formed bodies and broken ones


class _Recording:
    def __init__(self):
        self.positions = []

    def search(self, data, pos=0):
        self.positions.append(pos)


def test_the_search_starts_beside_the_boundary_not_at_the_start():
    pattern = _Recording()
    search = BoundarySearch(pattern, b"--" + BOUNDARY)
    data = b"x" * 45_000 + b"\r\n--" + BOUNDARY
    search.search(data)
    assert pattern.positions == [45_000]
    assert search.search(b"x" * 100) is None  # no boundary: no regular expression at all
    assert pattern.positions == [45_000]


def test_everything_but_search_is_the_patterns_own():
    import re

    pattern = re.compile(rb"\r\n--x")
    search = BoundarySearch(pattern, b"--x")
    assert search.match(b"\r\n--x").span() == (0, 5)
    assert search.pattern is pattern and search.flags == pattern.flags


def test_the_app_parses_forms_with_it(app):
    assert formparser.MultipartDecoder is BoundaryFirstDecoder
