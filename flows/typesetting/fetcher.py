"""The only way the renderer reads anything: data: URLs and files inside allowed folders.

The rules (AllowedFiles) need no WeasyPrint, so a process that only checks whether a cached
part is still fresh (flows/part_cache.py) never imports it."""

import hashlib
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit


class BlockedResource(PermissionError):
    """A resource outside the allowed folders, or on the network, was requested."""


class AllowedFiles:
    """Files under ``roots`` (the templates, the fonts), and files held in memory by the path
    they have in the edition: the build's snapshot of the pictures, dropped or embedded in a
    Word file. The drop folder itself is never read here."""

    def __init__(self, roots: list[Path], in_memory: dict[Path, bytes] | None = None):
        self.roots = [root.resolve() for root in roots]
        self.in_memory = {path.resolve(): content for path, content in (in_memory or {}).items()}

    def resolve(self, url: str) -> Path:
        """The file ``url`` names, if it may be read at all."""
        if urlsplit(url).scheme.lower() != "file":
            raise BlockedResource(f"nätverksadresser hämtas aldrig: {url}")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if path not in self.in_memory and not any(path.is_relative_to(r) for r in self.roots):
            raise BlockedResource(f"filen ligger utanför utgåvan och mallarna: {path}")
        return path

    def read(self, url: str) -> tuple[Path, bytes]:
        """The file ``url`` names and its bytes."""
        path = self.resolve(url)
        content = self.in_memory.get(path)
        if content is None:
            if not path.is_file():
                raise FileNotFoundError(f"filen finns inte: {path}")
            content = path.read_bytes()
        return path, content


def folder_fetcher(allowed: AllowedFiles):
    """A WeasyPrint URL fetcher for ``allowed`` (see FolderFetcher)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BytesResponse(URLFetcherResponse):
        """A response that is its bytes only. Given a file: URL's path, WeasyPrint keeps a
        picture as that file name and reads it again while writing the PDF, so a picture
        swapped meanwhile would be published instead of the one that was hashed."""

        @property
        def path(self):
            return None

    class FolderFetcher(URLFetcher):
        """Allows ``data:`` URLs and the allowed files; anything else stops the render.

        ``fail_on_errors=True`` makes WeasyPrint turn our exception into a fatal error, so a
        blocked or missing resource is never a quietly missing picture.
        """

        def __init__(self):
            super().__init__(fail_on_errors=True, allowed_protocols={"data", "file"})
            self.allowed = allowed
            # url -> sha256 of every file read, in order: what a rendered part depends on.
            self.fetched: dict[str, str] = {}

        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            if urlsplit(url).scheme.lower() == "data":
                return super().fetch(url, headers)
            path, content = allowed.read(url)
            self.fetched[url] = hashlib.sha256(content).hexdigest()
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return BytesResponse(url, content, {"Content-Type": content_type})

    return FolderFetcher()
