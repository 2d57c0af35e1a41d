"""What may be uploaded: each allowed kind of file, known by its extension and its first
bytes, and the names shown for it."""

import codecs
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

MAX_DISPLAY_NAME = 255
HEAD_BYTES = 64


class AttachmentError(ValueError):
    """A file that cannot be attached, with a message to show the person who chose it."""

    def __init__(self, message: str, filename: str | None = None):
        super().__init__(message)
        self.message = message
        self.filename = filename


Check = Callable[[BinaryIO, bytes], bool]


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    check: Check
    # Safe to label with its real type on download (never text, which a browser may render).
    typed_download: bool = True


def _starts(*prefixes: bytes) -> Check:
    return lambda _file, head: head.startswith(prefixes)


def _riff(form_type: bytes) -> Check:
    return lambda _file, head: head[:4] == b"RIFF" and head[8:12] == form_type


def _iso_media(brands: set[bytes] | None = None) -> Check:
    def check(_file, head):
        return head[4:8] == b"ftyp" and (brands is None or head[8:12] in brands)

    return check


def _mp3(_file, head: bytes) -> bool:
    if head.startswith(b"ID3"):
        return True
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0


def _zip_names(file: BinaryIO) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _office_open_xml(folder: str) -> Check:
    """DOCX/XLSX/PPTX: a ZIP with [Content_Types].xml and the format's own folder."""

    def check(file, head):
        if not head.startswith(b"PK\x03\x04"):
            return False
        archive = _zip_names(file)
        if archive is None:
            return False
        with archive:
            names = archive.namelist()
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return check


def _open_document(mimetype: str) -> Check:
    """ODT/ODS/ODP: a ZIP whose first member, `mimetype`, names the format."""

    def check(file, head):
        if not head.startswith(b"PK\x03\x04"):
            return False
        archive = _zip_names(file)
        if archive is None:
            return False
        with archive:
            try:
                with archive.open("mimetype") as member:
                    return member.read(100) == mimetype.encode()
            except (KeyError, zipfile.BadZipFile, OSError, NotImplementedError):
                return False

    return check


_MARKUP = re.compile(
    r"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta|style|link|\?xml)\b"
    r"|javascript\s*:",
    re.IGNORECASE,
)


def _plain_text(file: BinaryIO, head: bytes) -> bool:
    """UTF-8 text with no NUL bytes that does not look like a web page, SVG or script."""
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"#!"):
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail = ""
    try:
        for chunk in iter(lambda: file.read(64 * 1024), b""):
            if b"\x00" in chunk:
                return False
            text = tail + decoder.decode(chunk)
            if _MARKUP.search(text):
                return False
            tail = text[-32:]  # a marker split across two chunks is still found
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


_OLE = _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."

ALLOWED_TYPES: dict[str, FileKind] = {
    "pdf": FileKind("PDF", "application/pdf", _starts(b"%PDF-")),
    "doc": FileKind("Word document", "application/msword", _OLE),
    "docx": FileKind("Word document", _OOXML + "wordprocessingml.document",
                     _office_open_xml("word/")),
    "xls": FileKind("Excel spreadsheet", "application/vnd.ms-excel", _OLE),
    "xlsx": FileKind("Excel spreadsheet", _OOXML + "spreadsheetml.sheet",
                     _office_open_xml("xl/")),
    "ppt": FileKind("PowerPoint presentation", "application/vnd.ms-powerpoint", _OLE),
    "pptx": FileKind("PowerPoint presentation", _OOXML + "presentationml.presentation",
                     _office_open_xml("ppt/")),
    "odt": FileKind("OpenDocument text", _ODF + "text", _open_document(_ODF + "text")),
    "ods": FileKind("OpenDocument spreadsheet", _ODF + "spreadsheet",
                    _open_document(_ODF + "spreadsheet")),
    "odp": FileKind("OpenDocument presentation", _ODF + "presentation",
                    _open_document(_ODF + "presentation")),
    "rtf": FileKind("Rich text", "application/rtf", _starts(b"{\\rtf"), typed_download=False),
    "txt": FileKind("Text", "text/plain", _plain_text, typed_download=False),
    "csv": FileKind("CSV", "text/csv", _plain_text, typed_download=False),
    "jpg": FileKind("JPEG image", "image/jpeg", _starts(b"\xff\xd8\xff")),
    "jpeg": FileKind("JPEG image", "image/jpeg", _starts(b"\xff\xd8\xff")),
    "png": FileKind("PNG image", "image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    "gif": FileKind("GIF image", "image/gif", _starts(b"GIF87a", b"GIF89a")),
    "webp": FileKind("WebP image", "image/webp", _riff(b"WEBP")),
    "heic": FileKind("HEIC image", "image/heic", _iso_media(
        {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})),
    "mp3": FileKind("MP3 audio", "audio/mpeg", _mp3),
    "m4a": FileKind("M4A audio", "audio/mp4", _iso_media()),
    "wav": FileKind("WAV audio", "audio/wav", _riff(b"WAVE")),
    "ogg": FileKind("Ogg audio", "audio/ogg", _starts(b"OggS")),
    "webm": FileKind("WebM audio", "audio/webm", _starts(b"\x1a\x45\xdf\xa3")),
}
ALLOWED_EXTENSIONS: tuple[str, ...] = tuple(ALLOWED_TYPES)
ALLOWED_TYPES_TEXT = ", ".join(e.upper() for e in ALLOWED_EXTENSIONS[:-1]) + \
    " or " + ALLOWED_EXTENSIONS[-1].upper()
ACCEPT_ATTRIBUTE = ",".join("." + e for e in ALLOWED_EXTENSIONS)
_KIND_BY_CONTENT_TYPE = {kind.content_type: kind for kind in ALLOWED_TYPES.values()}


def type_label(content_type: str) -> str:
    kind = _KIND_BY_CONTENT_TYPE.get(content_type)
    return kind.label if kind else "File"


def download_mimetype(content_type: str) -> str:
    """The type to send: the real one only for kinds a browser will not run or render."""
    kind = _KIND_BY_CONTENT_TYPE.get(content_type)
    return content_type if kind and kind.typed_download else "application/octet-stream"


_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                        "\u2066\u2067\u2068\u2069"))


def display_name(raw: str | None) -> str:
    """The uploaded name as safe display text: no folders, control or direction characters,
    at most 255 characters (keeping the extension). Never used to build a path."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1].translate(_BIDI_CONTROLS)
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cs"}).strip()
    if len(name) > MAX_DISPLAY_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_DISPLAY_NAME - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_DISPLAY_NAME]
    return name or "file"


def extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def file_kind(name: str) -> FileKind:
    """The allowed kind for this display name, or AttachmentError naming the allowed types."""
    kind = ALLOWED_TYPES.get(extension_of(name))
    if kind is None:
        raise AttachmentError(f"‘{name}’ must be a {ALLOWED_TYPES_TEXT} file", name)
    return kind


def read_head(upload: BinaryIO) -> bytes:
    """The first bytes of an uploaded file (a seekable temp file), rewound after."""
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def matches_signature(upload: BinaryIO, kind: FileKind) -> bool:
    """Whether the file is what its extension says (it is rewound after)."""
    try:
        return kind.check(upload, read_head(upload))
    finally:
        upload.seek(0)
