"""Making a pack's PDF: WeasyPrint lays out the snapshot (templates/packs/pack.html, whose
headings become the bookmarks), then pypdf copies its pages into the pack and puts each
attached PDF's pages in after the page that lists it.

Memory grows with the pack, not with what storage sends: each attachment is copied from
storage to a temporary file in chunks and parsed from there, and the finished pack goes to
a temporary file that storage then streams. (pypdf keeps the merged pages' objects until it
writes the pack, so memory grows by about the pack's own size.)
"""

import shutil
from collections import defaultdict
from pathlib import Path

from flask import render_template
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from portal.core.storage import get_storage
from portal.packs.contents import PackFile


def _refuse_fetch(url: str, *args, **kwargs):
    # The pack is self-contained: WeasyPrint must never reach a file or the network.
    raise ValueError(f"a portfolio pack does not load external resources ({url[:60]})")


def fetch_file(file: PackFile, folder: Path) -> Path | None:
    """Copy a PDF attachment from storage into `folder` and count its pages; None (the
    file is listed, not merged) when storage has lost it or it is not a readable PDF."""
    path = folder / f"{file.number}.pdf"
    try:
        with get_storage().open(file.stored_name) as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        reader = PdfReader(path)
        if reader.is_encrypted:
            return None  # a password-protected file cannot be merged; it is listed
        file.pages = len(reader.pages)
    except (FileNotFoundError, PdfReadError, ValueError, OSError):
        file.pages = 0
        return None
    return path if file.pages else None


def render_body(context: dict):
    """The laid-out pages of the pack without its attachments (a WeasyPrint document)."""
    import weasyprint  # imported here so the portal starts without WeasyPrint's libraries

    html = render_template("packs/pack.html", **context)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).render()


def _anchor_pages(document) -> dict[str, tuple[int, float, float]]:
    return {name: (number, box[0], box[1]) for number, page in enumerate(document.pages)
            for name, box in page.anchors.items()}


def merge(document, body_path: Path, files: list[PackFile], paths: dict[int, Path],
          target, title: str) -> int:
    """Write the pack into `target`: the body's pages with each attached PDF after the page
    that lists it, and the body's bookmarks with each file's bookmark on its first page.
    Returns the number of pages."""
    anchors = _anchor_pages(document)
    after = defaultdict(list)
    for file in files:
        if file.number in paths:
            after[anchors[file.anchor][0]].append(file)
    writer, moved, first_page = PdfWriter(), {}, {}
    for number, page in enumerate(PdfReader(body_path).pages):
        moved[number] = len(writer.pages)
        writer.add_page(page)
        for file in after[number]:
            first_page[anchors[file.anchor]] = len(writer.pages)
            for attached in PdfReader(paths[file.number]).pages:
                writer.add_page(attached)
    _add_outline(writer, document.make_bookmark_tree(), moved, first_page, None)
    writer.add_metadata({"/Title": title, "/Producer": "Social work portal"})
    writer.page_mode = "/UseOutlines"
    writer.write(target)
    return len(writer.pages)


def _add_outline(writer, bookmarks, moved, first_page, parent) -> None:
    """WeasyPrint's bookmarks, pointed at the pages' new places; a file's own bookmark (its
    line in the body) points at its first merged page."""
    for label, (page, x, y), children, _state in bookmarks:
        number = first_page.get((page, x, y), moved[page])
        added = writer.add_outline_item(title=label, page_number=number, parent=parent,
                                        is_open=False)
        _add_outline(writer, children, moved, first_page, added)
