"""How many parts an SMS takes: 160 GSM-7 characters or 70 UCS-2 units in one part, 153/67 when split.

Azerbaijani letters ə, ı, ğ, ş, ç are not in the GSM-7 alphabet, so an Azerbaijani or Russian text goes
out as UCS-2; the letters are never replaced by look-alikes.
"""

from __future__ import annotations

from dataclasses import dataclass

# GSM 03.38 basic alphabet (without the escape character) and the extension table (two septets each).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7 = "GSM-7"
UCS2 = "UCS-2"


@dataclass(frozen=True)
class SmsSize:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _segments(widths: list[int], single: int, part: int) -> int:
    total = sum(widths)
    if total == 0:
        return 0
    if total <= single:
        return 1
    # Fill parts greedily: an escaped GSM-7 character or a UTF-16 surrogate pair is never split.
    segments, used = 1, 0
    for width in widths:
        if used + width > part:
            segments += 1
            used = 0
        used += width
    return segments


def sms_size(text: str) -> SmsSize:
    if is_gsm7(text):
        widths = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        return SmsSize(GSM7, sum(widths), _segments(widths, 160, 153))
    widths = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return SmsSize(UCS2, sum(widths), _segments(widths, 70, 67))
