"""How two versions' answers to one request differ: status, headers, body bytes.

Bodies are compared byte for byte; when they differ, the description decodes what it can
(gzip, Brotli, deflate; JSON; zip members; text) so a reader sees the first differing JSON
path or a short unified diff rather than two blobs.
"""

import base64
import difflib
import gzip
import io
import json
import re
import zipfile
import zlib

# Headers that differ between two runs of the same code, and only those.
IGNORED_HEADERS = {
    # The time the answer was sent: a server sets it per answer (Flask's test client does
    # not, but a version that sets it itself would differ at every request).
    "date": "the time the answer was sent",
}
# What is compared after a rewrite, not as sent (normalise() says how, and why).
NORMALISED = {
    "etag": "compared by which answers share a tag, not by its value: the API derives every "
    "ETag from a fingerprint of its code and installed packages (api/response_cache.py "
    "code_fingerprint), so any code change changes them all, by design; each tag becomes "
    "'same as <the first request, in sorted order, that got it>', keeping a coding suffix "
    "(:gzip, :br) and W/",
    "gzip body": "the MTIME field of the gzip header (bytes 4-7), the time of compression, "
    "is zeroed",
}
DIFF_LINES = 24
_ETAG = re.compile(r'^(W/)?"([^":]*)((?::[^"]*)?)"$')


def normalise(answers: dict[str, dict]) -> dict[str, dict]:
    """One version's answers ({request key: answer}) with ETags replaced by labels and gzip
    stamps zeroed (see NORMALISED)."""
    labels: dict[str, str] = {}
    result = {}
    for key in sorted(answers):
        answer = answers[key]
        headers = []
        coding = None
        for name, value in answer["headers"]:
            lowered = name.lower()
            if lowered == "etag":
                match = _ETAG.match(value)
                if match:
                    weak, opaque, suffix = match.groups()
                    label = labels.setdefault(opaque, f"same as {key}")
                    value = f'{weak or ""}"{label}{suffix}"'
            elif lowered == "content-encoding":
                coding = value.strip().lower()
            headers.append([name, value])
        data = body(answer)
        if coding == "gzip" and data[:2] == b"\x1f\x8b" and len(data) >= 10:
            data = data[:4] + b"\0\0\0\0" + data[8:]
        result[key] = {
            **answer,
            "headers": headers,
            "body": base64.b64encode(data).decode("ascii"),
        }
    return result


def _headers(answer: dict) -> list[tuple[str, str]]:
    """Headers without the ignored ones, by name (order between names is not meaningful in
    HTTP; order among fields of one name is, and is kept)."""
    kept = [(name.lower(), value) for name, value in answer["headers"]]
    kept = [(name, value) for name, value in kept if name not in IGNORED_HEADERS]
    return sorted(kept, key=lambda item: item[0])


def _header_map(answer: dict) -> dict[str, str]:
    merged: dict[str, list[str]] = {}
    for name, value in _headers(answer):
        merged.setdefault(name, []).append(value)
    return {name: ", ".join(values) for name, values in merged.items()}


def body(answer: dict) -> bytes:
    return base64.b64decode(answer["body"])


def compare(before: dict, after: dict) -> dict | None:
    """None when the answers are the same; else what differs (status, headers, body)."""
    found = {}
    if before["status"] != after["status"]:
        found["status"] = [before["status"], after["status"]]
    if _headers(before) != _headers(after):
        a, b = _header_map(before), _header_map(after)
        found["headers"] = {
            name: [a.get(name), b.get(name)]
            for name in sorted(a.keys() | b.keys())
            if a.get(name) != b.get(name)
        } or "same fields in a different order"
    a, b = body(before), body(after)
    if a != b:
        found["body"] = describe_body_difference(a, b, _header_map(before), _header_map(after))
    return found or None


def _decoded(data: bytes, coding: str | None) -> bytes:
    """The body without its Content-Encoding (as is when it cannot be undone)."""
    try:
        if coding == "gzip":
            return gzip.decompress(data)
        if coding == "deflate":
            return zlib.decompress(data)
        if coding == "br":
            import brotli

            return brotli.decompress(data)
    except Exception:  # a broken body: described as bytes below
        return data
    return data


def describe_body_difference(a: bytes, b: bytes, headers_a: dict, headers_b: dict) -> str:
    """A short, readable account of how body `a` differs from body `b`."""
    coding_a, coding_b = headers_a.get("content-encoding"), headers_b.get("content-encoding")
    plain_a, plain_b = _decoded(a, coding_a), _decoded(b, coding_b)
    prefix = ""
    if coding_a or coding_b:
        if plain_a == plain_b:
            return (
                f"same content, different encoded bytes ({coding_a} {len(a)} bytes, "
                f"{coding_b} {len(b)} bytes)"
            )
        prefix = f"decoded ({coding_a} / {coding_b}): "
    kind = headers_a.get("content-type", "") or headers_b.get("content-type", "")
    if "json" in kind:
        try:
            parsed_a, parsed_b = json.loads(plain_a), json.loads(plain_b)
        except ValueError:
            pass
        else:
            where = first_json_difference(parsed_a, parsed_b)
            if where:
                return prefix + where
            return prefix + "same JSON value, different bytes:\n" + text_diff(plain_a, plain_b)
    if plain_a[:2] == b"PK" and plain_b[:2] == b"PK":
        return prefix + zip_difference(plain_a, plain_b)
    return prefix + text_diff(plain_a, plain_b)


def first_json_difference(a, b, path: str = "$") -> str | None:
    """The first place where two JSON values differ, as `$.items[3].title: 'x' != 'y'`;
    None when they are equal (key order aside)."""
    if type(a) is not type(b):
        return f"{path}: {_short(a)} != {_short(b)}"
    if isinstance(a, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in b:
                return f"{path}.{key}: only before ({_short(a[key])})"
            if key not in a:
                return f"{path}.{key}: only after ({_short(b[key])})"
            found = first_json_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        if list(a) != list(b):
            return f"{path}: same keys in another order: {list(a)} != {list(b)}"
        return None
    if isinstance(a, list):
        for index, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_json_difference(x, y, f"{path}[{index}]")
            if found:
                return found
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        return None
    return None if a == b else f"{path}: {_short(a)} != {_short(b)}"


def _short(value, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_diff(a: bytes, b: bytes, lines: int = DIFF_LINES) -> str:
    """A unified diff of two texts (its first `lines` lines), or where two binaries part."""
    try:
        text_a, text_b = a.decode("utf-8"), b.decode("utf-8")
    except UnicodeDecodeError:
        offset = next(
            (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
        )
        return f"binary, {len(a)} != {len(b)} bytes, first difference at byte {offset}"
    if "\n" not in text_a.rstrip("\n") and "\n" not in text_b.rstrip("\n"):
        # One long line (compact JSON): cut it where the two part, for a readable diff.
        start = next(
            (i for i, (x, y) in enumerate(zip(text_a, text_b, strict=False)) if x != y),
            min(len(text_a), len(text_b)),
        )
        window = slice(max(0, start - 80), start + 160)
        return f"at character {start}:\n- …{text_a[window]}…\n+ …{text_b[window]}…"
    diff = difflib.unified_diff(
        text_a.splitlines(), text_b.splitlines(), "before", "after", lineterm="", n=1
    )
    shown = list(diff)
    more = f"\n… ({len(shown) - lines} more diff lines)" if len(shown) > lines else ""
    return "\n".join(shown[:lines]) + more


def zip_difference(a: bytes, b: bytes) -> str:
    """Which members of two zip archives differ (by name, content, or stored metadata)."""
    with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
        names_a, names_b = za.namelist(), zb.namelist()
        if names_a != names_b:
            return f"members {names_a} != {names_b}"
        for name in names_a:
            data_a, data_b = za.read(name), zb.read(name)
            if data_a != data_b:
                return f"member {name}:\n" + text_diff(data_a, data_b)
            info_a, info_b = za.getinfo(name), zb.getinfo(name)
            if info_a.date_time != info_b.date_time:
                return f"member {name}: stamped {info_a.date_time} != {info_b.date_time}"
    return "same members and contents, different archive bytes (compression or metadata)"
