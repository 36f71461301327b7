"""Request bodies that are not JSON: multipart/form-data (POST /v1/files) and
application/x-www-form-urlencoded (PUT /v1/files/{id}), as the v1 spec has them.

`parse(content_type, body)` returns a dict (field -> text; a file part -> UploadedFile), or
None when the content type is neither (the caller reads JSON then). A malformed multipart
body raises ValueError. Stdlib only, exact bytes (no line-ending rewriting).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    content: bytes


def _params(header: str) -> tuple[str, dict[str, str]]:
    """'form-data; name="file"; filename="a.pdf"' -> ("form-data", {"name": "file", "filename": "a.pdf"})."""
    head, *rest = header.split(";")
    out: dict[str, str] = {}
    for part in rest:
        key, _, value = part.strip().partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('\\"', '"')
        out[key.strip().lower()] = value
    return head.strip().lower(), out


def multipart(content_type: str, body: bytes) -> dict[str, Any]:
    _kind, params = _params(content_type)
    boundary = params.get("boundary")
    if not boundary:
        raise ValueError("multipart body without a boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    fields: dict[str, Any] = {}
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise ValueError("multipart body not closed by its boundary")
    for chunk in chunks[1:-1]:
        if not chunk.startswith(b"\r\n") or not chunk.endswith(b"\r\n"):
            raise ValueError("multipart part not framed by CRLF")
        head, sep, content = chunk[2:-2].partition(b"\r\n\r\n")
        if not sep:
            raise ValueError("multipart part without headers")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            header, _, value = line.partition(":")
            headers[header.strip().lower()] = value.strip()
        _disp, disp = _params(headers.get("content-disposition", ""))
        name = disp.get("name")
        if not name:
            raise ValueError("multipart part without a name")
        if "filename" in disp:
            fields[name] = UploadedFile(disp["filename"], headers.get("content-type", "application/octet-stream"), content)
        else:
            fields[name] = content.decode("utf-8", "replace")
    return fields


def parse(content_type: str, body: bytes) -> dict[str, Any] | None:
    kind = content_type.split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        return multipart(content_type, body)
    if kind == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return None
