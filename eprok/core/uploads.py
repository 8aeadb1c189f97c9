"""Safe uploads: the type is sniffed from the content, sizes are capped, the stored path is generated.

    validate_upload(file, *, allowed=DEFAULT_TYPES, max_bytes=settings.EPROK_UPLOAD_MAX_BYTES) -> SniffedFile
    validate_uploads(files, *, allowed=..., max_bytes=..., max_files=settings.EPROK_UPLOAD_MAX_FILES)
    store_upload(file, *, prefix, sniffed=None) -> StoredUpload(name, sha256, size, content_type, ...)

The file name and the content type the client sent are never trusted: the name is kept only for display
(`SniffedFile.name`) and never reaches the storage path. Office documents (DOCX, XLSX, ODT, ODS) are
zip files checked inside (the right content-type entry, no macros, no encryption, bounded entry count
and uncompressed size, every entry read back within the cap); DOC is an OLE2 file with a WordDocument
stream and no macro storage. When EPROK_CLAMAV_SOCKET is set, every accepted file is scanned by clamd
(INSTREAM); an infected file is refused, and so is every file while the scanner cannot be reached,
unless EPROK_CLAMAV_FAIL_OPEN is on.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import socket
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import ApplicationError, ValidationFailed

logger = logging.getLogger("eprok.core.uploads")

CHUNK = 64 * 1024
HEAD = 8 * 1024


@dataclass(frozen=True)
class FileType:
    kind: str
    content_type: str
    extension: str
    label: str  # the format's name as people know it; the same in every language


FILE_TYPES: dict[str, FileType] = {
    t.kind: t
    for t in (
        FileType("pdf", "application/pdf", "pdf", "PDF"),
        FileType("png", "image/png", "png", "PNG"),
        FileType("jpeg", "image/jpeg", "jpg", "JPEG"),
        FileType("gif", "image/gif", "gif", "GIF"),
        FileType("tiff", "image/tiff", "tif", "TIFF"),
        FileType("txt", "text/plain; charset=utf-8", "txt", "TXT"),
        FileType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            "DOCX",
        ),
        FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "XLSX"),
        FileType("odt", "application/vnd.oasis.opendocument.text", "odt", "ODT"),
        FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", "ods", "ODS"),
        FileType("doc", "application/msword", "doc", "DOC"),
        FileType("mp4", "video/mp4", "mp4", "MP4"),
        FileType("webm", "video/webm", "webm", "WebM"),
        FileType("ogg", "video/ogg", "ogv", "Ogg"),
    )
}
# Video files are taken only where a caller asks for them (the lessons of a course), never by default.
VIDEO_TYPES: frozenset[str] = frozenset({"mp4", "webm", "ogg"})
DEFAULT_TYPES: frozenset[str] = frozenset(FILE_TYPES) - VIDEO_TYPES
IMAGE_TYPES: frozenset[str] = frozenset({"png", "jpeg", "gif", "tiff"})
DOCUMENT_TYPES: frozenset[str] = frozenset({"pdf", "txt", "docx", "xlsx", "odt", "ods", "doc"})

# Zip containers (office documents): more entries or more bytes unpacked than this is refused as a bomb.
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 200  # uncompressed : compressed, over the whole archive

_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
_OOXML_MACRO = ("macroenabled", "vbaproject", "vnd.ms-office.activex")
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_MACRO_STREAMS = {"macros", "_vba_project_cur", "vba", "_vba_project"}

# Never accepted, named so the refusal can say what the file really is.
_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows programs and libraries
    b"\x7fELF",  # Linux programs
    b"\xfe\xed\xfa\xce",  # Mach-O (macOS), both byte orders and widths, and fat binaries / Java classes
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",  # scripts
)
_ARCHIVE_MAGIC = (b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")
# Markup a browser would render or run: refused even when it is "only text".
_MARKUP_START = re.compile(
    rb"^\s*<(?:!doctype|html|head|body|script|iframe|svg|\?xml|!--|object|embed|style|title|div|a\s|p>|br)",
    re.IGNORECASE,
)
_MARKUP_ANYWHERE = re.compile(rb"<(?:script|html|svg|iframe|object|embed)[\s>/]", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class ScannerUnavailable(ApplicationError):
    """The virus scanner is configured but cannot give an answer; nothing is accepted until it can."""

    code = "scanner_unavailable"
    status = 503
    default_message = _("Uploaded files cannot be checked for viruses right now. Try again in a few minutes.")


@dataclass(frozen=True)
class SniffedFile:
    name: str  # the client's file name, cleaned, for display only
    kind: str  # a key of FILE_TYPES
    content_type: str
    extension: str
    size: int


@dataclass(frozen=True)
class StoredUpload:
    name: str  # the storage name: <prefix>/<yyyy>/<mm>/<uuid4>
    sha256: str
    size: int
    content_type: str
    original_name: str = ""  # display only
    kind: str = ""


class _Refused(Exception):
    """Internal: the content is not what it claims; carries the reason code."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def display_name(file: Any) -> str:
    """The client's file name without directories or control characters, at most 120 characters."""
    raw = str(getattr(file, "name", "") or "")
    base = re.split(r"[\\/]", raw)[-1]
    base = _CONTROL.sub("", unicodedata.normalize("NFC", base)).strip().lstrip(".")
    return base[:120] or "file"


def _chunks(file: Any) -> Iterator[bytes]:
    if hasattr(file, "seek"):
        file.seek(0)
    while True:
        chunk = file.read(CHUNK)
        if not chunk:
            break
        yield chunk


def _read_head(file: Any) -> bytes:
    file.seek(0)
    head = file.read(HEAD)
    file.seek(0)
    return head or b""


def _refuse(name: str, reason: str, **params: Any) -> ValidationFailed:
    messages = {
        "empty": _("“%(name)s” is empty."),
        "too_large": _("“%(name)s” is larger than the limit of %(limit)s per file."),
        "executable": _("“%(name)s” is a program or a script; programs cannot be attached."),
        "markup": _("“%(name)s” is a web page or an SVG drawing; save it as PDF and attach that."),
        "archive": _("“%(name)s” is an archive; attach the documents themselves, not an archive."),
        "macros": _("“%(name)s” contains macros; save it as a document without macros (DOCX, PDF)."),
        "encrypted": _("“%(name)s” is protected with a password; attach it without the password."),
        "zip_bomb": _("“%(name)s” unpacks to far more data than a document holds and was refused."),
        "damaged": _("“%(name)s” is damaged or not what its name says; it could not be read."),
        "encoding": _("“%(name)s” is text, but not in UTF-8; save it as UTF-8 or as PDF."),
        "unknown": _("The type of “%(name)s” is not accepted. Accepted types: %(types)s."),
        "not_allowed": _("“%(name)s” is a %(type)s file; here only these types are accepted: %(types)s."),
        "infected": _("“%(name)s” contains a virus (%(signature)s) and was refused."),
    }
    values = {"name": name, **params}
    return ValidationFailed(
        messages[reason] % values,
        code="upload_refused",
        details={"file": name, "reason": reason},
    )


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, size // 1024)} KB"


def _types_label(allowed: Iterable[str]) -> str:
    return ", ".join(FILE_TYPES[k].label for k in FILE_TYPES if k in set(allowed))


# --- sniffing -----------------------------------------------------------------------------------


def _sniff(file: Any, head: bytes, *, strict_pdf: bool = False) -> str:
    """The kind of the content, or raise _Refused with the reason."""
    if head.startswith(b"%PDF-"):
        _check_pdf(file, strict=strict_pdf)
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(file)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(file)
    if head.startswith(_EXECUTABLE_MAGIC):
        raise _Refused("executable")
    if head.startswith(_ARCHIVE_MAGIC) or head.startswith(b"PK"):
        raise _Refused("archive")
    return _sniff_text(file, head)


PDF_MAX_PAGES = 5000


def _check_pdf(file: Any, *, strict: bool) -> None:
    """A PDF protected with a password is refused ("encrypted"). With `strict`, so is one pypdf cannot
    open or whose first page it cannot read ("damaged"); without it, an unreadable PDF is let through as
    before (modules that only keep the file; documents, which extract text and sign, are strict)."""
    import pypdf

    try:
        file.seek(0)
        try:
            reader = pypdf.PdfReader(file, strict=False)
        except Exception:
            if strict:
                raise
            return
        if reader.is_encrypted:
            raise _Refused("encrypted")
        if not strict:
            return
        count = len(reader.pages)
        if count == 0 or count > PDF_MAX_PAGES:
            raise _Refused("damaged")
        reader.pages[0].mediabox  # noqa: B018 - the first page must be readable
    except _Refused:
        raise
    except Exception:
        raise _Refused("damaged") from None
    finally:
        file.seek(0)


def _sniff_text(file: Any, head: bytes) -> str:
    body = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        # UTF-16 text, or binary data of a kind we do not know.
        raise _Refused(
            "encoding" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "unknown"
        )
    if _MARKUP_START.match(body):
        raise _Refused("markup")
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail = b""
    try:
        for chunk in _chunks(file):
            text = decoder.decode(chunk)
            if _CONTROL.search(text):
                raise _Refused("unknown")
            # Overlap the chunks so a tag split between two reads is still seen.
            if _MARKUP_ANYWHERE.search(tail + chunk):
                raise _Refused("markup")
            tail = chunk[-16:]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _Refused("encoding") from None
    return "txt"


def _sniff_zip(file: Any) -> str:
    try:
        file.seek(0)
        archive = zipfile.ZipFile(file)
        entries = archive.infolist()
        if len(entries) > ZIP_MAX_ENTRIES:
            raise _Refused("zip_bomb")
        declared = sum(entry.file_size for entry in entries)
        packed = max(1, sum(entry.compress_size for entry in entries))
        if declared > ZIP_MAX_UNCOMPRESSED or declared / packed > ZIP_MAX_RATIO:
            raise _Refused("zip_bomb")
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise _Refused("encrypted")
        names = {entry.filename for entry in entries}
        if any("vbaproject" in name.lower() for name in names):
            raise _Refused("macros")
        kind = _office_kind(archive, names)
        # Read every entry back within the cap: a header that lies about sizes fails its CRC here.
        unpacked = 0
        for entry in entries:
            with archive.open(entry) as stream:
                while block := stream.read(CHUNK):
                    unpacked += len(block)
                    if unpacked > ZIP_MAX_UNCOMPRESSED:
                        raise _Refused("zip_bomb")
        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, ValueError):
        raise _Refused("damaged") from None
    finally:
        file.seek(0)


def _office_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "[Content_Types].xml" in names:
        with archive.open("[Content_Types].xml") as stream:
            types = stream.read(1024 * 1024).decode("utf-8", "replace").lower()
        if any(marker in types for marker in _OOXML_MACRO):
            raise _Refused("macros")
        for content_type, kind in _OOXML_MAIN.items():
            if content_type in types:
                return kind
        raise _Refused("unknown")
    first = archive.infolist()[0]
    if first.filename == "mimetype":
        with archive.open(first) as stream:
            mimetype = stream.read(200).decode("ascii", "replace").strip()
        if any(name.lower().startswith("basic/") for name in names):
            raise _Refused("macros")
        if mimetype in _ODF_MIMETYPES:
            return _ODF_MIMETYPES[mimetype]
        raise _Refused("unknown")
    raise _Refused("archive")


def _sniff_ole(file: Any) -> str:
    """DOC: an OLE2 compound file whose directory has a WordDocument stream and no macro storage."""
    names = {name.lower() for name in _ole_directory_names(file)}
    if names & _OLE_MACRO_STREAMS:
        raise _Refused("macros")
    if "worddocument" in names:
        return "doc"
    # Other OLE2 files: Excel 97, PowerPoint 97, MSI installers, ...
    raise _Refused("unknown")


def _ole_directory_names(file: Any) -> list[str]:
    """The names in an OLE2 (Compound File Binary) directory, read by following the FAT."""

    def u32(data: bytes, offset: int) -> int:
        return int.from_bytes(data[offset : offset + 4], "little")

    try:
        file.seek(0, 2)
        file_size = file.tell()
        file.seek(0)
        header = file.read(512)
        if len(header) < 512 or header[:8] != _OLE_MAGIC:
            raise _Refused("damaged")
        sector_shift = int.from_bytes(header[30:32], "little")
        if sector_shift not in (9, 12):
            raise _Refused("damaged")
        sector_size = 1 << sector_shift
        max_sectors = file_size // sector_size + 1

        def read_sector(number: int) -> bytes:
            if number >= max_sectors:
                raise _Refused("damaged")
            file.seek((number + 1) * sector_size)
            data = file.read(sector_size)
            if len(data) < sector_size:
                raise _Refused("damaged")
            return data

        fat_count, first_dir, first_difat, difat_count = (
            u32(header, 44),
            u32(header, 48),
            u32(header, 68),
            u32(header, 72),
        )
        difat = [u32(header, 76 + 4 * i) for i in range(109)]
        sector, seen = first_difat, 0
        while sector < 0xFFFFFFFA and seen < difat_count:
            data = read_sector(sector)
            per = sector_size // 4 - 1
            difat.extend(u32(data, 4 * i) for i in range(per))
            sector, seen = u32(data, 4 * per), seen + 1
        fat_sectors = [s for s in difat if s < 0xFFFFFFFA][:fat_count]
        fat = b"".join(read_sector(s) for s in fat_sectors)
        names: list[str] = []
        sector, visited = first_dir, set()
        while sector < 0xFFFFFFFA:
            if sector in visited or 4 * sector + 4 > len(fat):
                raise _Refused("damaged")
            visited.add(sector)
            data = read_sector(sector)
            for offset in range(0, sector_size, 128):
                entry = data[offset : offset + 128]
                length = int.from_bytes(entry[64:66], "little")
                if entry[66] in (1, 2, 5) and 2 <= length <= 64:
                    names.append(entry[: length - 2].decode("utf-16-le", "replace"))
            sector = u32(fat, 4 * sector)
        return names
    except (OSError, IndexError, ValueError):
        raise _Refused("damaged") from None
    finally:
        file.seek(0)


# --- antivirus (clamd INSTREAM) -----------------------------------------------------------------


def _clamd_connect(address: str, timeout: float) -> socket.socket:
    target = address.removeprefix("unix:").removeprefix("tcp://")
    if target.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(target)
        except OSError:
            sock.close()
            raise
        return sock
    host, _colon, port = target.rpartition(":")
    return socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout)


def clamav_scan(file: Any, *, name: str) -> None:
    """Scan with clamd when EPROK_CLAMAV_SOCKET is set: infected → ValidationFailed, no answer → refused."""
    address = getattr(settings, "EPROK_CLAMAV_SOCKET", "")
    if not address:
        return
    try:
        with _clamd_connect(address, float(settings.EPROK_CLAMAV_TIMEOUT)) as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in _chunks(file):
                sock.sendall(len(chunk).to_bytes(4, "big") + chunk)
            sock.sendall(b"\0\0\0\0")
            reply = b""
            while not reply.endswith(b"\0") and len(reply) < 4096:
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
    except (OSError, ValueError) as exc:
        _scanner_failed(f"clamd unreachable: {type(exc).__name__}")
        return
    finally:
        if hasattr(file, "seek"):
            file.seek(0)
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith(" OK"):
        return
    if answer.endswith(" FOUND"):
        signature = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        # The signature is logged, never the file name (it may carry a person's name).
        logger.warning("upload refused: clamd found %s", signature)
        raise _refuse(name, "infected", signature=signature)
    _scanner_failed(f"clamd answered {answer[:100]!r}")


def _scanner_failed(reason: str) -> None:
    if getattr(settings, "EPROK_CLAMAV_FAIL_OPEN", False):
        logger.warning("upload accepted without a virus scan (EPROK_CLAMAV_FAIL_OPEN): %s", reason)
        return
    logger.error("upload refused: the virus scanner gave no answer: %s", reason)
    raise ScannerUnavailable()


# --- the request body limit ---------------------------------------------------------------------


class UploadTooLarge(RequestDataTooBig):
    """The request body is larger than any accepted upload (Django answers 400 before reading it)."""


def request_max_bytes() -> int:
    """The largest multipart body accepted: every allowed file at its limit, plus the form's fields."""
    configured = getattr(settings, "EPROK_REQUEST_MAX_BYTES", None)
    if configured:
        return int(configured)
    return int(settings.EPROK_UPLOAD_MAX_BYTES) * int(settings.EPROK_UPLOAD_MAX_FILES) + 1024 * 1024


class RequestSizeLimitHandler(FileUploadHandler):
    """The first upload handler: refuses a body whose Content-Length is over the limit before a byte of it
    is read (nothing reaches memory or a temporary file), and stops a body that turns out longer than
    it said while it streams."""

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        self.limit = request_max_bytes()
        self.received = 0
        if content_length > self.limit:
            logger.warning("upload refused: the request declares %d bytes", content_length)
            raise UploadTooLarge(f"request body of {content_length} bytes exceeds {self.limit}")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > getattr(self, "limit", request_max_bytes()):
            raise UploadTooLarge("request body exceeds the upload limit")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# --- the public functions -----------------------------------------------------------------------


def validate_upload(
    file: IO[bytes] | File,
    *,
    allowed: Iterable[str] = DEFAULT_TYPES,
    max_bytes: int | None = None,
    strict_pdf: bool = False,
) -> SniffedFile:
    """What the file really is, or ValidationFailed naming the file and the reason.

    A password-protected PDF is always refused; with `strict_pdf` also one that cannot be read.
    """
    allowed = frozenset(allowed)
    limit = max_bytes if max_bytes is not None else settings.EPROK_UPLOAD_MAX_BYTES
    name = display_name(file)
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise _refuse(name, "too_large", limit=_human_size(limit))
    size = 0
    for chunk in _chunks(file):
        size += len(chunk)
        if size > limit:
            raise _refuse(name, "too_large", limit=_human_size(limit))
    if size == 0:
        raise _refuse(name, "empty")
    head = _read_head(file)
    try:
        kind = _sniff(file, head, strict_pdf=strict_pdf)
    except _Refused as refused:
        raise _refuse(name, refused.reason, types=_types_label(allowed)) from None
    finally:
        file.seek(0)
    file_type = FILE_TYPES[kind]
    if kind not in allowed:
        raise _refuse(name, "not_allowed", type=file_type.label, types=_types_label(allowed))
    clamav_scan(file, name=name)
    return SniffedFile(name, kind, file_type.content_type, file_type.extension, size)


def validate_uploads(
    files: Iterable[Any],
    *,
    allowed: Iterable[str] = DEFAULT_TYPES,
    max_bytes: int | None = None,
    max_files: int | None = None,
) -> list[SniffedFile]:
    """Every file of one submission, or the first refusal; also refuses more files than allowed."""
    files = list(files)
    limit = max_files if max_files is not None else settings.EPROK_UPLOAD_MAX_FILES
    if len(files) > limit:
        raise ValidationFailed(
            _("At most %(count)d files can be attached; you chose %(chosen)d.")
            % {"count": limit, "chosen": len(files)},
            code="too_many_files",
            details={"count": limit},
        )
    return [validate_upload(f, allowed=allowed, max_bytes=max_bytes) for f in files]


_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*$")


def store_upload(file: IO[bytes] | File, *, prefix: str, sniffed: SniffedFile | None = None) -> StoredUpload:
    """Validate (unless `sniffed` is given) and save under <prefix>/<yyyy>/<mm>/<uuid4> in default storage.

    The caller records the returned name in its own row; if its transaction then fails, it should call
    `delete_upload(name)` so no orphan remains.
    """
    if not _PREFIX.match(prefix):
        raise ValueError(f"upload prefix {prefix!r} must be lower-case words separated by /")
    if sniffed is None:
        sniffed = validate_upload(file)
    digest = hashlib.sha256()
    size = 0
    for chunk in _chunks(file):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    now = timezone.localtime()
    path = f"{prefix}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"
    content = file if isinstance(file, File) else File(file)
    stored_name = default_storage.save(path, content)
    return StoredUpload(
        name=stored_name,
        sha256=digest.hexdigest(),
        size=size,
        content_type=sniffed.content_type,
        original_name=sniffed.name,
        kind=sniffed.kind,
    )


def delete_upload(name: str) -> None:
    """Remove a stored upload (e.g. after the transaction that was to record it failed)."""
    if name:
        default_storage.delete(name)
