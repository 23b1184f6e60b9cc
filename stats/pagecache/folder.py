"""The local store's folder: the site's own, never one someone else prepared.

Whoever can write to the folder can plant entries. Entries are signed, so a planted one is
only ignored, but the folder is still ours alone: made owner-only, and refused when it
belongs to another user, is a symbolic link, or others may write to it.
"""

import os
import stat

from django.core.exceptions import ImproperlyConfigured


def private_folder(path):
    """Make `path` (owner-only) if missing; refuse it if it is not safely ours."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    info = os.lstat(path)
    problems = []
    if not stat.S_ISDIR(info.st_mode):
        problems.append("it is not a folder (a symbolic link?)")
    if info.st_uid != os.geteuid():
        problems.append(f"it belongs to user {info.st_uid}, not to the site's user")
    if info.st_mode & 0o022:
        problems.append("other users may write to it")
    if problems:
        raise ImproperlyConfigured(
            f"Refusing to keep the page cache in {path}: {'; '.join(problems)}. "
            "Point SHARED_CACHE_DIR at a folder the site can create for itself."
        )
    return path
