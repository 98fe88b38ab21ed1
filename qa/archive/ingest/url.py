"""Links: fetch a page (http and https only, time- and size-capped) so the server cannot be turned
against its own network, then extract it like a saved page."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import zlib
from urllib.parse import urljoin, urlsplit

from qa.archive.ingest import Extracted, IngestError, extract, megabytes

MAX_REDIRECTS = 5


def _check_address(url: str, allow_private: bool) -> None:
    """Refuse a URL whose scheme is not http(s), or whose host resolves to loopback, private, link-local
    or otherwise non-public addresses (unless `allow_private`)."""
    try:
        parts = urlsplit(url)
        port = parts.port  # a port out of range or not a number raises here
    except ValueError:  # "http://[::1/", "http://example.com:99999/", "http://host:abc/"
        raise IngestError(f"not a valid link: {url[:200]}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or "\\" in url:
        raise IngestError("only http:// and https:// links can be added")
    checked_address(parts.hostname, port or (443 if parts.scheme == "https" else 80), allow_private)


def checked_address(host: str, port: int, allow_private: bool) -> str:
    """Resolve `host` and return the address to connect to, after checking every address it resolves
    to (see `_check_address`)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise IngestError(f"cannot find the host {host}") from None
    if not infos:
        raise IngestError(f"cannot find the host {host}")
    if not allow_private:
        for info in infos:
            if not is_public(ipaddress.ip_address(info[4][0].split("%")[0])):
                raise IngestError(f"links to local or private network addresses are refused ({host}); "
                                  "QA_ALLOW_PRIVATE_URLS=1 allows them")
    return infos[0][4][0]


def _transport(allow_private: bool):
    """An httpx transport that connects only to addresses it has checked itself. The name is resolved
    once per connection, checked, and that very address is connected to: a name that resolves to a public
    address for the check and to a private one a moment later (DNS rebinding) never reaches the private
    one. The name stays the Host header and the TLS server name."""
    import httpcore
    import httpx

    class CheckedBackend(httpcore.NetworkBackend):
        def __init__(self):
            self.inner = httpcore.SyncBackend()

        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            return self.inner.connect_tcp(checked_address(host, port, allow_private), port, timeout,
                                          local_address, socket_options)

        def connect_unix_socket(self, path, timeout=None, socket_options=None):
            raise httpcore.ConnectError("links reach no local socket")

        def sleep(self, seconds):
            self.inner.sleep(seconds)

    transport = httpx.HTTPTransport(trust_env=False)
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                              network_backend=CheckedBackend())
    return transport


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SITE_LOCAL = ipaddress.ip_network("fec0::/10")


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A global unicast address, and for IPv6 also every IPv4 address it embeds (mapped ::ffff:a.b.c.d,
    IPv4-compatible ::a.b.c.d, 6to4 2002::/16, NAT64 64:ff9b::/96), which Python's `is_global` lets through."""
    if not address.is_global or address.is_multicast:
        return False
    if address.version == 4:
        return True
    if address in _SITE_LOCAL:
        return False
    embedded = [address.ipv4_mapped, address.sixtofour]
    if address in _NAT64 or int(address) >> 32 == 0:  # NAT64, or IPv4-compatible (deprecated)
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return all(is_public(inner) for inner in embedded if inner is not None)


def fetch(url: str, timeout: float = 10.0, max_bytes: int = 20_000_000,
          allow_private: bool = False) -> tuple[str, bytes]:
    """Download `url`, following at most five redirects, each checked like the first.

    `timeout` is the whole fetch's deadline (connect, headers and body together, redirects included): a
    server that sends a byte a second is given up on. `max_bytes` caps the body *as decoded*, checked as it
    is produced: a small compressed body that inflates to gigabytes stops at the cap.

    Returns:
        `(final url, body)`.

    Raises:
        IngestError: a refused address or scheme, a timeout, an HTTP error, an encoding we do not decode,
            or a body over `max_bytes`.
    """
    import httpx

    url = url.strip()
    deadline = time.monotonic() + timeout
    too_slow = f"the site did not send the page within {timeout:g} s"
    client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, transport=_transport(allow_private),
                          headers={"User-Agent": "qa-news/1.0 (article fetcher)", "Accept-Encoding": "gzip, identity"})
    # At the deadline the connection is closed under whatever read is waiting on it.
    watchdog = threading.Timer(timeout, client.close)
    watchdog.daemon = True
    watchdog.start()
    try:
        with client:
            for _ in range(MAX_REDIRECTS + 1):
                _check_address(url, allow_private)
                with client.stream("GET", url) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code >= 400:
                        raise IngestError(f"the site answered {response.status_code} for {url}")
                    declared = int(response.headers.get("content-length") or 0)
                    if declared > max_bytes:
                        raise IngestError(f"the page is over the {megabytes(max_bytes)} limit")
                    decode = _decoder(response.headers.get("content-encoding", ""), max_bytes)
                    body = bytearray()
                    for chunk in response.iter_raw():
                        body += decode(chunk)
                        if len(body) > max_bytes:
                            raise IngestError(f"the page is over the {megabytes(max_bytes)} limit")
                        if time.monotonic() > deadline:
                            raise IngestError(too_slow)
                    body += decode(b"", final=True)
                    return url, bytes(body)
            raise IngestError("too many redirects")
    except httpx.TimeoutException:
        raise IngestError(too_slow) from None
    except httpx.InvalidURL:
        raise IngestError(f"not a valid link: {url[:200]}") from None
    except (httpx.HTTPError, RuntimeError) as error:
        if time.monotonic() >= deadline:
            raise IngestError(too_slow) from None
        raise IngestError(f"cannot fetch the link ({type(error).__name__})") from None
    finally:
        watchdog.cancel()


def _decoder(encoding: str, max_bytes: int):
    """A function that decodes the body chunk by chunk, never producing more than `max_bytes` + 1 bytes
    from one call: "identity" or one layer of gzip/deflate. Stacked encodings ("gzip, gzip") and others
    (br, zstd) are refused: we asked for gzip or nothing."""
    layers = [e.strip().lower() for e in encoding.split(",") if e.strip() and e.strip().lower() != "identity"]
    if not layers:
        return lambda chunk, final=False: chunk
    if len(layers) > 1 or layers[0] not in ("gzip", "x-gzip", "deflate"):
        raise IngestError(f"the page came in an encoding we do not decode ({encoding})")
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, told apart by zlib

    def decode(chunk: bytes, final: bool = False) -> bytes:
        try:
            out = inflater.decompress(chunk, max_bytes + 1)
            if inflater.unconsumed_tail:  # more would come out than the cap allows
                raise IngestError(f"the page is over the {megabytes(max_bytes)} limit")
            return out + (inflater.flush() if final else b"")
        except zlib.error:
            raise IngestError("the page's compressed body is damaged") from None

    return decode


def extract_url(url: str, timeout: float = 10.0, max_bytes: int = 20_000_000,
                allow_private: bool = False) -> Extracted:
    """Fetch a link and extract the article it holds (a page, a PDF or plain text)."""
    final, body = fetch(url, timeout, max_bytes, allow_private)
    name = urlsplit(final).path.rsplit("/", 1)[-1] or "page.html"
    return extract(name, body, url=final)
