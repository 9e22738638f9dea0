"""The only way the renderer reads anything: data: URLs and files inside allowed folders."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class BlockedResource(PermissionError):
    """A resource outside the allowed folders, or on the network, was requested."""


class FolderFetcher(URLFetcher):
    """Allows ``data:`` URLs and ``file:`` URLs under ``roots``; anything else stops the render.

    ``fail_on_errors=True`` makes WeasyPrint turn our exception into a fatal error, so a
    blocked or missing resource is never a quietly missing picture.
    """

    def __init__(self, roots: list[Path], in_memory: dict[Path, bytes] | None = None):
        super().__init__(fail_on_errors=True, allowed_protocols={"data", "file"})
        self.roots = [root.resolve() for root in roots]
        # Files that exist only inside a submission (a Word document's images), by the path
        # they would have; they never touch the drop folder.
        self.in_memory = {path.resolve(): content for path, content in (in_memory or {}).items()}
        self.fetched: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise BlockedResource(f"nätverksadresser hämtas aldrig: {url}")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise BlockedResource(f"filen ligger utanför utgåvan och mallarna: {path}")
        content = self.in_memory.get(path)
        if content is None:
            if not path.is_file():
                raise FileNotFoundError(f"filen finns inte: {path}")
            content = path.read_bytes()
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, content, {"Content-Type": content_type})
