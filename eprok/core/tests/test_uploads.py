"""Uploads: the type comes from the content, limits hold, the stored path is ours, clamd is asked."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import socketserver
import threading
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from eprok.core.errors import ValidationFailed
from eprok.core.uploads import (
    DEFAULT_TYPES,
    IMAGE_TYPES,
    ScannerUnavailable,
    display_name,
    store_upload,
    validate_upload,
    validate_uploads,
)

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


# --- sample files -------------------------------------------------------------------------------------


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


def _ooxml(main: str, part: str) -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{part}" ContentType="{main}"/></Types>'
    ).encode()
    return _zip([("[Content_Types].xml", types), ("_rels/.rels", b"<Relationships/>"), (part, b"<x/>")])


def docx() -> bytes:
    return _ooxml(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/document.xml",
    )


def xlsx() -> bytes:
    return _ooxml(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/workbook.xml"
    )


def odf(mimetype: str) -> bytes:
    return _zip([("mimetype", mimetype.encode()), ("content.xml", b"<office:document/>")], stored_first=True)


def ole(*streams: str) -> bytes:
    """A minimal OLE2 compound file: header, one FAT sector, one directory sector with these streams."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = (0x3E).to_bytes(2, "little")
    header[26:28] = (3).to_bytes(2, "little")
    header[28:30] = b"\xfe\xff"
    header[30:32] = (9).to_bytes(2, "little")
    header[32:34] = (6).to_bytes(2, "little")
    header[44:48] = (1).to_bytes(4, "little")  # one FAT sector
    header[48:52] = (1).to_bytes(4, "little")  # the directory starts in sector 1
    header[56:60] = (4096).to_bytes(4, "little")
    header[60:64] = end.to_bytes(4, "little")
    header[68:72] = end.to_bytes(4, "little")
    header[76:80] = (0).to_bytes(4, "little")  # the FAT is sector 0
    for i in range(1, 109):
        header[76 + 4 * i : 80 + 4 * i] = free.to_bytes(4, "little")
    fat = bytearray(b"\xff" * 512)
    fat[0:4] = fat_sector.to_bytes(4, "little")
    fat[4:8] = end.to_bytes(4, "little")
    directory = bytearray(512)
    for index, (name, kind) in enumerate([("Root Entry", 5), *[(s, 2) for s in streams]][:4]):
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[: len(encoded)] = encoded
        entry[64:66] = len(encoded).to_bytes(2, "little")
        entry[66] = kind
        directory[128 * index : 128 * (index + 1)] = entry
    return bytes(header + fat + directory)


SAMPLES: dict[str, bytes] = {
    "pdf": b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40,
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40,
    "gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "tiff": b"II*\x00\x08\x00\x00\x00" + b"\x00" * 20,
    "txt": "Hörmətli prokuror, ərizəmi qəbul etməyinizi xahiş edirəm.\nŞikayətçi: Əliyev İ.\n".encode(),
    "docx": docx(),
    "xlsx": xlsx(),
    "odt": odf("application/vnd.oasis.opendocument.text"),
    "ods": odf("application/vnd.oasis.opendocument.spreadsheet"),
    "doc": ole("WordDocument", "1Table"),
}


def upload(data: bytes, name: str = "file.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def reason_of(excinfo: pytest.ExceptionInfo[Any]) -> str:
    return excinfo.value.details["reason"]


# --- what is accepted -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_accepted_type_is_recognised_from_its_content(kind):
    # The client's name and type say nothing true: only the content counts.
    sniffed = validate_upload(upload(SAMPLES[kind], "scan.bin", "application/octet-stream"))

    assert sniffed.kind == kind
    assert sniffed.size == len(SAMPLES[kind])
    assert sniffed.name == "scan.bin"


def test_the_default_types_are_the_samples():
    assert set(SAMPLES) == DEFAULT_TYPES


def test_a_real_xlsx_from_openpyxl_is_accepted():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["Müraciət", "Tarix"])
    book.save(buffer)

    assert validate_upload(upload(buffer.getvalue(), "cədvəl.xlsx")).kind == "xlsx"


def test_a_plain_file_object_and_a_content_file_work_too():
    assert validate_upload(io.BytesIO(SAMPLES["pdf"])).kind == "pdf"
    assert validate_upload(ContentFile(SAMPLES["png"], name="a.png")).kind == "png"


# --- what is refused --------------------------------------------------------------------------------


def test_a_program_renamed_to_pdf_is_refused():
    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60 + b"PE\x00\x00", "ərizə.pdf"))

    assert reason_of(excinfo) == "executable"
    assert "ərizə.pdf" in str(excinfo.value.message)


@pytest.mark.parametrize(
    "data",
    [b"\x7fELF\x02\x01\x01", b"#!/bin/sh\nrm -rf /\n", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01"],
)
def test_other_programs_and_scripts_are_refused(data):
    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(data, "notes.txt", "text/plain"))

    assert reason_of(excinfo) == "executable"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(b"", "boş.pdf"))

    assert reason_of(excinfo) == "empty" and "boş.pdf" in str(excinfo.value.message)


def test_a_file_over_the_limit_is_refused(settings):
    settings.EPROK_UPLOAD_MAX_BYTES = 1000

    validate_upload(upload(SAMPLES["pdf"].ljust(1000, b" ")))
    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(SAMPLES["pdf"].ljust(1001, b" ")))

    assert reason_of(excinfo) == "too_large"


def test_the_size_is_counted_from_the_bytes_not_the_declared_size():
    file = io.BytesIO(SAMPLES["pdf"] + b" " * 5000)
    file.size = 10  # type: ignore[attr-defined]  # a lie

    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(file, max_bytes=1000)

    assert reason_of(excinfo) == "too_large"


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body>x</body></html>",
        b"  \n<HTML><script>alert(1)</script>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"\xef\xbb\xbf<html>",
        b"Dear sir,\n" + b"a" * (64 * 1024 - 13) + b"<script>alert(1)</script>",  # across a chunk boundary
    ],
)
def test_web_pages_and_svg_are_refused(data):
    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(data, "letter.txt", "text/plain"))

    assert reason_of(excinfo) == "markup"


def test_text_that_is_not_utf8_is_refused_with_advice():
    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload("Заявление о преступлении".encode("cp1251"), "zayavlenie.txt"))  # noqa: RUF001

    assert reason_of(excinfo) == "encoding"


def test_a_plain_zip_and_other_archives_are_refused():
    for data in (_zip([("a.txt", b"hello")]), b"Rar!\x1a\x07\x00", b"\x1f\x8b\x08\x00"):
        with pytest.raises(ValidationFailed) as excinfo:
            validate_upload(upload(data, "docs.docx"))
        assert reason_of(excinfo) == "archive"


def test_a_zip_bomb_is_refused_without_unpacking_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"wordprocessingml.document.main+xml")
        with archive.open("word/document.xml", "w") as entry:
            for _ in range(20):
                entry.write(b"\0" * (1024 * 1024))

    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(buffer.getvalue(), "bomb.docx"))

    assert reason_of(excinfo) == "zip_bomb"


def test_a_zip_with_too_many_entries_is_refused():
    entries = [("[Content_Types].xml", b"x")] + [(f"f{i}", b"") for i in range(1001)]

    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(_zip(entries), "many.docx"))

    assert reason_of(excinfo) == "zip_bomb"


def test_a_zip_whose_header_lies_about_the_size_is_refused():
    data = bytearray(docx())
    # Claim a smaller size for the document part in the central directory: reading it back fails its CRC.
    position = data.rfind(b"word/document.xml")
    central = data.rfind(b"PK\x01\x02", 0, position)
    data[central + 24 : central + 28] = (1).to_bytes(4, "little")

    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(bytes(data), "liar.docx"))

    assert reason_of(excinfo) == "damaged"


def test_office_documents_with_macros_are_refused():
    docm = _ooxml("application/vnd.ms-word.document.macroEnabled.main+xml", "word/document.xml")
    plain = zipfile.ZipFile(io.BytesIO(docx()))
    with_vba = _zip([*((n, plain.read(n)) for n in plain.namelist()), ("word/vbaProject.bin", b"x")])
    ole_macros = ole("WordDocument", "Macros")

    for data in (docm, with_vba, ole_macros):
        with pytest.raises(ValidationFailed) as excinfo:
            validate_upload(upload(data, "letter.doc"))
        assert reason_of(excinfo) == "macros"


def test_an_ole2_file_that_is_not_a_word_document_is_refused():
    # An installer (MSI) is an OLE2 file too.
    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(ole("\u4840\u3f3f\u4577"), "setup.doc"))

    assert reason_of(excinfo) == "unknown"


def test_a_truncated_ole2_file_is_damaged():
    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(ole("WordDocument")[:700], "broken.doc"))

    assert reason_of(excinfo) == "damaged"


def test_unknown_binary_content_is_refused_and_the_message_lists_what_is_accepted():
    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(b"\x00\x01\x02\x03binary", "photo.heic"), allowed=IMAGE_TYPES)

    assert reason_of(excinfo) == "unknown"
    assert "PNG, JPEG, GIF, TIFF" in str(excinfo.value.message)


def test_a_type_the_caller_does_not_allow_is_refused():
    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(SAMPLES["pdf"], "a.pdf"), allowed=IMAGE_TYPES)

    assert reason_of(excinfo) == "not_allowed"


def test_more_files_than_allowed_are_refused(settings):
    settings.EPROK_UPLOAD_MAX_FILES = 2
    files = [upload(SAMPLES["pdf"], f"{i}.pdf") for i in range(3)]

    assert [s.kind for s in validate_uploads(files[:2])] == ["pdf", "pdf"]
    with pytest.raises(ValidationFailed) as excinfo:
        validate_uploads(files)

    assert excinfo.value.code == "too_many_files"


def test_the_messages_are_translated():
    from django.utils import translation

    with translation.override("az"), pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(b"", "boş.pdf"))

    assert str(excinfo.value.message) == "“boş.pdf” boşdur."


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("../../etc/passwd", "passwd"), ("C:\\Users\\a\\ərizə.pdf", "ərizə.pdf"), ("\x1b.", "file")],
)
def test_display_names_lose_directories_and_control_characters(raw, shown):
    file = io.BytesIO()
    file.name = raw

    assert display_name(file) == shown
    assert display_name(io.BytesIO()) == "file"


# --- storing ----------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_stored_upload_has_a_generated_path_the_right_hash_and_the_sniffed_type(media):
    data = SAMPLES["docx"]

    stored = store_upload(
        upload(data, "../Əliyev İlkin ərizə.pdf", "application/pdf"), prefix="appeals/attachments"
    )

    assert re.fullmatch(r"appeals/attachments/\d{4}/\d{2}/[0-9a-f]{32}", stored.name)
    assert "liyev" not in stored.name and "pdf" not in stored.name
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    assert stored.content_type.endswith("wordprocessingml.document")
    assert stored.original_name == "Əliyev İlkin ərizə.pdf"
    with default_storage.open(stored.name) as handle:
        assert handle.read() == data


def test_two_uploads_of_one_file_get_two_names(media):
    first = store_upload(upload(SAMPLES["pdf"]), prefix="portal")
    second = store_upload(upload(SAMPLES["pdf"]), prefix="portal")

    assert first.name != second.name and first.sha256 == second.sha256


def test_storing_refuses_what_validation_refuses_and_writes_nothing(media):
    with pytest.raises(ValidationFailed):
        store_upload(upload(b"MZ" + b"\x00" * 100, "x.pdf"), prefix="portal")

    assert not any(media.rglob("*"))


@pytest.mark.parametrize("prefix", ["", "../x", "/abs", "Appeals", "a//b", "a/../b", "a b"])
def test_the_prefix_must_be_ours(media, prefix):
    with pytest.raises(ValueError):
        store_upload(upload(SAMPLES["pdf"]), prefix=prefix)


# --- antivirus ----------------------------------------------------------------------------------------


class FakeClamd(socketserver.BaseRequestHandler):
    """Speaks clamd's INSTREAM: reads the chunks, answers FOUND for the EICAR test string."""

    seen: list[bytes] = []
    reply: bytes | None = None

    def handle(self) -> None:
        stream = self.request.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            command += stream.read(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            size = int.from_bytes(stream.read(4), "big")
            if size == 0:
                break
            data += stream.read(size)
        FakeClamd.seen.append(data)
        if FakeClamd.reply is not None:
            answer = FakeClamd.reply
        elif EICAR in data:
            answer = b"stream: Win.Test.EICAR_HDB-1 FOUND\0"
        else:
            answer = b"stream: OK\0"
        self.request.sendall(answer)


def _serve(server: socketserver.BaseServer) -> Iterator[socketserver.BaseServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def clamd(settings) -> Iterator[type[FakeClamd]]:
    FakeClamd.seen, FakeClamd.reply = [], None
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd)
    settings.EPROK_CLAMAV_SOCKET = f"127.0.0.1:{server.server_address[1]}"
    settings.EPROK_CLAMAV_TIMEOUT = 5
    yield from (FakeClamd for _ in _serve(server))


def test_a_clean_file_passes_the_scanner(clamd):
    data = SAMPLES["pdf"] * 3000  # several INSTREAM chunks

    assert validate_upload(upload(data)).kind == "pdf"
    assert clamd.seen == [data]


def test_an_infected_file_is_refused(clamd, caplog):
    caplog.set_level(logging.WARNING, logger="eprok.core.uploads")

    with pytest.raises(ValidationFailed) as excinfo:
        validate_upload(upload(EICAR + b"\n", "ərizə (Məmmədov).txt"))

    assert reason_of(excinfo) == "infected"
    assert "Win.Test.EICAR_HDB-1" in str(excinfo.value.message)
    assert all("Məmmədov" not in record.getMessage() for record in caplog.records)


def test_the_scanner_is_not_asked_about_a_file_already_refused(clamd):
    with pytest.raises(ValidationFailed):
        validate_upload(upload(b"MZ" + EICAR))

    assert clamd.seen == []


def test_a_scanner_error_answer_refuses_the_upload(clamd):
    clamd.reply = b"INSTREAM size limit exceeded. ERROR\0"

    with pytest.raises(ScannerUnavailable):
        validate_upload(upload(SAMPLES["pdf"]))


def test_an_unreachable_scanner_refuses_uploads_by_default(settings):
    with socketserver.TCPServer(("127.0.0.1", 0), FakeClamd) as closed:
        port = closed.server_address[1]
    settings.EPROK_CLAMAV_SOCKET = f"127.0.0.1:{port}"

    with pytest.raises(ScannerUnavailable) as excinfo:
        validate_upload(upload(SAMPLES["pdf"]))

    assert excinfo.value.status == 503


def test_an_unreachable_scanner_lets_uploads_through_only_when_told_to(settings, caplog):
    settings.EPROK_CLAMAV_SOCKET = "/nonexistent/clamd.ctl"
    settings.EPROK_CLAMAV_FAIL_OPEN = True

    assert validate_upload(upload(SAMPLES["pdf"])).kind == "pdf"
    assert any("without a virus scan" in record.getMessage() for record in caplog.records)


def test_the_scanner_is_reached_over_a_unix_socket(settings, tmp_path):
    FakeClamd.seen, FakeClamd.reply = [], None
    path = tmp_path / "clamd.ctl"
    server = socketserver.ThreadingUnixStreamServer(str(path), FakeClamd)
    settings.EPROK_CLAMAV_SOCKET = f"unix:{path}"
    for _ in _serve(server):
        with pytest.raises(ValidationFailed):
            validate_upload(upload(EICAR, "x.txt"))
        assert validate_upload(upload(SAMPLES["png"])).kind == "png"
    assert len(FakeClamd.seen) == 2


def test_without_a_configured_scanner_nothing_is_scanned(settings):
    settings.EPROK_CLAMAV_SOCKET = ""

    assert validate_upload(upload(EICAR, "eicar.txt")).kind == "txt"
