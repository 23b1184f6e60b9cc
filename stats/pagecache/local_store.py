"""The store for one machine: files in the site's own folder, shared by its workers.

One file per public address (its current page, which is also its last good copy), a lock
file per address while a page is rendered, and the content version in a memory-mapped file.
Files are written whole and renamed into place, so a reader never sees half an entry.
"""

import os
import tempfile
import time

from .folder import private_folder
from .version_file import VersionFile


class Unavailable(Exception):
    """The store cannot be reached: carry on as if nothing were cached."""


class LocalStore:
    shared_between_machines = False

    def __init__(self, folder):
        self.folder = private_folder(folder)
        self.version_file = VersionFile(os.path.join(self.folder, "content-version"))

    def _path(self, prefix, key):
        return os.path.join(self.folder, f"{prefix}-{key}")

    # The version file may not open (something planted in its place, no file handles or
    # space left): then pages are rendered from the database until it does, as with Redis
    # down. Plain try blocks: read_state is on every cached page's path.
    def read_state(self):
        try:
            return self.version_file.read()
        except OSError as error:
            raise Unavailable(str(error)) from error

    current_state = read_state  # memory-mapped: as cheap as any copy of it

    def last_generation(self):
        return None  # the file outlives its readers: one found empty was emptied on purpose

    def write_state(self, state):
        try:
            self.version_file.write(state)
        except OSError as error:
            raise Unavailable(str(error)) from error

    def replace_state(self, old, new):
        try:
            return self.version_file.replace(old, new)
        except OSError as error:
            raise Unavailable(str(error)) from error

    def get(self, key):
        try:
            fd = os.open(self._path("page", key), os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise Unavailable(str(error)) from error
        with os.fdopen(fd, "rb") as f:
            return f.read()

    def put(self, key, data, seconds):
        # Expiry is checked by the reader (the entry carries its time): files are bounded by
        # the number of public addresses, so none need sweeping.
        try:
            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(temporary, self._path("page", key))
        except OSError as error:
            raise Unavailable(str(error)) from error

    def lock(self, key, seconds):
        path = self._path("lock", key)
        for _ in range(2):
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                return True
            except FileExistsError:
                try:  # left by a worker that died mid-render: take it over once it is old
                    if time.time() - os.stat(path).st_mtime < seconds:
                        return False
                    os.unlink(path)
                except FileNotFoundError:
                    pass
        return False

    def unlock(self, key):
        try:
            os.unlink(self._path("lock", key))
        except FileNotFoundError:
            pass

    def entries(self):
        return sum(1 for name in os.listdir(self.folder) if name.startswith("page-"))

    def ping(self):
        return os.access(self.folder, os.W_OK)

    def eviction_policy(self):
        return None  # files stay until the site replaces them

    def clear(self):
        """Every page and the version gone (tests start each from nothing)."""
        for name in os.listdir(self.folder):
            if name.startswith(("page-", "lock-", ".tmp-")):
                os.unlink(os.path.join(self.folder, name))
        self.version_file.clear()
