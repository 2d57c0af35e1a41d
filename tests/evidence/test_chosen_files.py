"""A save that fails keeps nothing a person chose to upload (a browser cannot put a chosen
file back in a file input), so the page says so beside the file input: which files, and
that they must be chosen again."""

import io
import re

import pytest
from werkzeug.datastructures import FileStorage

from tests.conftest import page
from tests.evidence.test_attachments import EXE, upload_dir  # noqa: F401 - a fixture
from tests.evidence.test_entries import _form
from tests.evidence.uploads import PDF, attachment_count, upload


def _files(*named):
    return [FileStorage(io.BytesIO(content), filename=name, content_type="application/pdf")
            for name, content in named]


def _warning(soup, field_id="files") -> str:
    warning = soup.select_one(f"#{field_id}-not-saved")
    assert warning is not None, "the page says the chosen files were not saved"
    assert f"{field_id}-not-saved" in soup.select_one(f"#{field_id}")["aria-describedby"]
    return re.sub(r"\s+", " ", warning.get_text(" ", strip=True))


def test_a_new_entry_with_problems_says_to_choose_the_file_again(client, candidate):
    response = client.post("/evidence/new", data={**_form(title=""),
                                                  "files": _files(("visit-notes.pdf", PDF))})
    assert response.status_code == 400
    assert _warning(page(response)) == ("! Warning The file you chose (visit-notes.pdf) was "
                                        "not saved. Choose it again.")
    assert attachment_count() == 0


def test_a_refused_file_names_every_file_to_choose_again(client, candidate):
    response = client.post("/evidence/new", data={
        **_form(), "files": _files(("notes.pdf", PDF), ("tool.exe", EXE))})
    assert response.status_code == 400
    assert "The files you chose (notes.pdf, tool.exe) were not saved. Choose them again." in \
        _warning(page(response))


@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_upload_to_an_entry_says_to_choose_the_files_again(client, entry, htmx):
    response = upload(client, entry.id, ("a.pdf", PDF), ("b.exe", EXE), htmx=htmx)
    assert response.status_code == 400
    assert "(a.pdf, b.exe) were not saved. Choose them again." in \
        _warning(page(response), f"files-{entry.id}")


def test_nothing_is_said_when_no_file_was_chosen(client, candidate):
    assert page(client.get("/evidence/new")).select_one("#files-not-saved") is None
    response = client.post("/evidence/new", data=_form(title=""))
    assert response.status_code == 400
    assert page(response).select_one("#files-not-saved") is None


def test_nothing_is_said_when_the_files_were_saved(client, entry):
    response = upload(client, entry.id, ("a.pdf", PDF), htmx=True)
    assert response.status_code == 200 and attachment_count() == 1
    assert page(response).select_one(f"#files-{entry.id}-not-saved") is None
