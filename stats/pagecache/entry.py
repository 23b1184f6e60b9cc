"""A stored page: status, headers and body (plain, brotli and gzip), in a fixed layout that
nothing executes when it is read, signed so that an entry nobody here wrote is ignored.

    b"PC1" | HMAC-SHA256 (32 bytes) | length of the JSON part (4 bytes) | JSON | bodies

The signature covers the page's address as well, so a genuine entry cannot be moved to
answer for another page. Pages are compressed once, here, when they are stored; each request
then picks the body its client accepts.
"""

import gzip
import hashlib
import hmac
import json
import logging
import struct
import time
from dataclasses import dataclass, field
from functools import cache, lru_cache

import brotli
from django.conf import settings

logger = logging.getLogger("stats.pagecache")

MAGIC = b"PC1"
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml")
# Preferred order when a client accepts several.
ENCODINGS = ("br", "gzip")
ETAG_SUFFIX = {"br": "-br", "gzip": "-gz"}


@cache
def _signing_key(secret):
    return hashlib.sha256(b"alliance page cache entry\0" + secret.encode()).digest()


def _signature(address, payload):
    key = _signing_key(settings.SECRET_KEY)
    return hmac.new(key, address.encode() + b"\0" + payload, hashlib.sha256).digest()


@dataclass
class Entry:
    version: str
    generation: str
    status: int
    headers: dict
    bodies: dict  # encoding ("identity", "br", "gzip") -> bytes
    stored_at: float = field(default_factory=time.time)

    @classmethod
    def build(cls, version, generation, status, headers, content):
        bodies = {"identity": content}
        content_type = headers.get("Content-Type", "")
        if (
            len(content) >= 256
            and content_type.startswith(COMPRESSIBLE)
            and "Content-Encoding" not in headers
        ):
            for name, compressed in (
                ("br", brotli.compress(content, quality=9)),
                ("gzip", gzip.compress(content, compresslevel=9, mtime=0)),
            ):
                if len(compressed) < len(content):
                    bodies[name] = compressed
        return cls(version, generation, status, headers, bodies)

    def pack(self, address):
        names = list(self.bodies)
        meta = {
            "version": self.version,
            "generation": self.generation,
            "status": self.status,
            "headers": list(self.headers.items()),
            "bodies": [[name, len(self.bodies[name])] for name in names],
            "stored_at": self.stored_at,
        }
        meta_bytes = json.dumps(meta, separators=(",", ":")).encode()
        payload = struct.pack(">I", len(meta_bytes)) + meta_bytes
        payload += b"".join(self.bodies[name] for name in names)
        return MAGIC + _signature(address, payload) + payload

    @classmethod
    def unpack(cls, address, data):
        """The entry, or None if the bytes were not written by this site for this address."""
        if data is None:
            return None
        signature, payload = data[len(MAGIC) : len(MAGIC) + 32], data[len(MAGIC) + 32 :]
        if not data.startswith(MAGIC) or not hmac.compare_digest(
            signature, _signature(address, payload)
        ):
            logger.warning("Ignored a page cache entry this site did not write: %s", address)
            return None
        try:
            (length,) = struct.unpack(">I", payload[:4])
            meta = json.loads(payload[4 : 4 + length])
            bodies, offset = {}, 4 + length
            for name, size in meta["bodies"]:
                bodies[name] = payload[offset : offset + size]
                offset += size
            return cls(
                meta["version"],
                meta["generation"],
                int(meta["status"]),
                dict(meta["headers"]),
                bodies,
                float(meta["stored_at"]),
            )
        except (ValueError, KeyError, TypeError, struct.error):
            logger.warning("Ignored a damaged page cache entry: %s", address)
            return None

    def age(self):
        return time.time() - self.stored_at

    def is_current(self, state):
        """Rendered under the current content version, and not too long ago."""
        return self.version == state["version"] and self.age() < settings.PAGE_CACHE_SECONDS

    def answer(self, accept_encoding):
        """(status, headers, body) for a client sending this Accept-Encoding header: the
        stored headers, with the length, encoding and ETag of the body it gets. Sent as they
        are by the front door (front.py), and through Django by the middleware."""
        encoding, body = self.body_for(accept_encoding)
        headers = {name.lower(): (name, value) for name, value in self.headers.items()}
        headers["content-length"] = ("Content-Length", str(len(body)))
        if len(self.bodies) > 1:
            _vary_on_encoding(headers)
        if encoding != "identity":
            headers["content-encoding"] = ("Content-Encoding", encoding)
            name, etag = headers.get("etag", ("ETag", ""))
            if etag.endswith('"'):  # each encoding's bytes differ: so do their ETags
                headers["etag"] = (name, etag[:-1] + ETAG_SUFFIX[encoding] + '"')
        return self.status, dict(headers.values()), body

    def body_for(self, accept_encoding):
        """(encoding, body) for a client sending this Accept-Encoding header."""
        if len(self.bodies) > 1 and accept_encoding:
            accepted = _accepted(accept_encoding)
            for name in ENCODINGS:
                if name in self.bodies and accepted.get(name, accepted.get("*", 0)) > 0:
                    return name, self.bodies[name]
        return "identity", self.bodies["identity"]


def _vary_on_encoding(headers):
    """As django.utils.cache.patch_vary_headers, on a plain dict of lower-cased names."""
    name, vary = headers.get("vary", ("Vary", ""))
    names = [part.strip() for part in vary.split(",") if part.strip()]
    if "*" in names:
        headers["vary"] = (name, "*")
    elif "accept-encoding" not in (part.lower() for part in names):
        headers["vary"] = (name, ", ".join([*names, "Accept-Encoding"]))


@lru_cache(maxsize=64)  # bounded: the header is the client's to vary
def _accepted(header):
    weights = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        weight = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                weight = 0.0
        weights[name.strip().lower()] = weight
    return weights
