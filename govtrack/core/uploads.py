"""Uploaded files: size limit, type checked by content (not by name), generated stored names; and
the reading of an uploaded table (CSV or Excel) that the importers of survey answers and of
results share."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import Response, current_app, send_file
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import FileStorage

from govtrack.core.clock import utcnow
from govtrack.errors import TooLarge, ValidationFailed

# Types accepted, by what their bytes say they are.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}

# The extensions a name may end in for each type, and the type as people know it. A name that
# ends in another extension is refused: the file is downloaded under that name, and an HTML page
# that begins with "%PDF" is a PDF to the type check but a page to a browser opening poly.html.
NAME_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
}
TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
    "application/vnd.oasis.opendocument.text": "OpenDocument (.odt)",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument (.ods)",
}
# What counts as an extension: a last dot followed by a short run of letters and digits; "v1.2
# report" has none and is given one.
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str

    def columns(self) -> dict:
        """The values of the StoredFileMixin columns that describe the file."""
        return dataclasses.asdict(self)


class StoredFileMixin:
    """The columns of a model that keeps an uploaded file under a generated name (agreement
    documents, obligation evidence): each table has them with these names and types."""

    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def download(self) -> Response:
        """The file as an attachment under its original name (see send_stored)."""
        return send_stored(self.stored_name, content_type=self.content_type, download_name=self.original_name)


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def clean_name(name: str | None) -> str:
    """A display name with no path, control characters or leading dots."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or "document"


def named_for(name: str, mime: str, *, field: str = "file") -> str:
    """The name, with the type's extension added when it has none; refused when its extension says
    another type than the content."""
    found = _EXTENSION.search(name)
    allowed = NAME_EXTENSIONS[mime]
    if found is None:
        return name + allowed[0]
    if found.group(0).lower() in allowed:
        return name
    reason = str(_l("The name ends in %(ext)s, which does not match its content (%(kind)s); rename it to end in %(expected)s.",
                    ext=found.group(0), kind=TYPE_NAMES[mime], expected=allowed[0]))
    raise ValidationFailed(str(_l("The file's name does not match its content.")), fields={field: [reason]})


def store_upload(file: FileStorage | None, *, field: str = "file") -> StoredFile:
    """Check and store an uploaded file; raises before anything is written when it is refused."""
    if file is None or not file.filename:
        raise ValidationFailed(str(_l("Choose a file.")), fields={field: [str(_l("Choose a file."))]})
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(
            str(_l("The file is larger than %(mb)s MB.", mb=round(limit / 1024 / 1024, 1))),
            fields={field: [str(_l("Too large."))]},
        )
    if not data:
        raise ValidationFailed(str(_l("The file is empty.")), fields={field: [str(_l("The file is empty."))]})
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime not in ALLOWED_TYPES:
        raise ValidationFailed(
            str(_l("This type of file is not accepted (PDF, PNG, JPEG, Word, Excel, OpenDocument).")),
            fields={field: [str(_l("File type not accepted."))]},
        )
    original = named_for(clean_name(file.filename), mime, field=field)
    stored = secrets.token_hex(16) + ALLOWED_TYPES[mime]
    path = upload_dir() / stored
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return StoredFile(
        original_name=original,
        stored_name=stored,
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def discard(stored_name: str) -> None:
    """Remove a stored file (used when the transaction that named it rolls back)."""
    with contextlib.suppress(FileNotFoundError):
        (upload_dir() / stored_name).unlink()


def stored_path(stored_name: str) -> Path:
    if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("bad stored name")
    return upload_dir() / stored_name


def send_stored(stored_name: str, *, content_type: str, download_name: str) -> Response:
    """A stored file as an attachment that no cache keeps: documents and evidence are shown only
    to those who may see them, and a shared or disk cache would keep them past sign-out."""
    response = send_file(stored_path(stored_name), mimetype=content_type, as_attachment=True,
                         download_name=download_name, conditional=False, etag=False)
    response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Last-Modified", None)  # a validator is for caches, and none may keep it
    return response


# --- uploaded tables ---------------------------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"


class TableUnreadable(Exception):
    """The upload is no table one can read (its first line is where the reader stops); `message`
    says why in the user's language. Each importer turns it into its own refusal."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_table(data: bytes, *, max_lines: int) -> list[list]:
    """An uploaded table's lines as lists of cells: text from a CSV (UTF-8, with or without a byte
    order mark, cells split by ';' when the first line has more of them than of ',', as Indonesian
    spreadsheets write), typed values from an Excel workbook's first sheet. At most `max_lines` + 2
    lines are read (the header, the allowed lines and one more, so the caller can say the file is
    too long without reading a huge sheet whole)."""
    if data.startswith(XLSX_MAGIC):
        unreadable = str(_l("The file is not a readable Excel workbook (.xlsx)."))
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise TableUnreadable(unreadable) from None
        try:
            if not book.worksheets:
                raise TableUnreadable(unreadable)
            rows = []
            for row in book.worksheets[0].iter_rows(values_only=True):
                rows.append(list(row))
                if len(rows) > max_lines + 1:
                    break
            return rows
        finally:
            book.close()
    neither = str(_l("The file is neither UTF-8 text (CSV) nor an Excel workbook."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableUnreadable(neither) from None
    if "\x00" in text:
        raise TableUnreadable(neither)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as err:
        raise TableUnreadable(str(_l("The file is not valid CSV: %(reason)s", reason=str(err)))) from None
