"""Atomic output: write into a temporary folder beside the target, then ``os.replace``.

A crash or a kill mid-write leaves the previous file (or no file), never half of one; at worst
a hidden ``.incidentmap-*.tmp`` folder stays behind next to the target.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from geo.errors import OutputError
from geo.readers import EXTENSIONS


def check_output(path: str | os.PathLike, *, force: bool = False,
                 inputs: Iterable[str | os.PathLike] = ()) -> Path:
    """Check that ``path`` may be written (a missing folder is created when it is written).

    Parameters
    ----------
    path : path-like
        The output file.
    force : bool
        Replace an existing file.
    inputs : iterable of path-like
        Input files and folders; writing onto one (or into an input folder's files) is refused.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputError
        When the target is a folder, is one of the inputs, exists without ``force``, or its
        folder cannot be created or written.
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name")
    for raw in inputs:
        source = Path(raw)
        same = source.exists() and target.exists() and os.path.samefile(source, target)
        if same or target.resolve() == source.resolve():
            raise OutputError(f"{target}: is one of the inputs; refusing to overwrite it")
        if (source.is_dir() and target.resolve().parent == source.resolve()
                and target.suffix.lower() in EXTENSIONS):
            raise OutputError(f"{target}: is inside the input folder {source} and would be read "
                              "as an input; write it elsewhere")
    if target.exists() and not force:
        raise OutputError(f"{target}: exists; pass --force to replace it")
    # a missing folder is made only when the output is written (a failed run leaves none)
    folder = target.parent
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        raise OutputError(f"{target}: cannot create folder {folder} ({existing} is a file)")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{target}: folder {existing} is not writable")
    return target


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path (same name, in a fresh folder beside ``path``); on success move it
    onto ``path`` with :func:`os.replace`, on any error remove it.

    Raises
    ------
    OutputError
        When the temporary folder cannot be created (folder unwritable).
    """
    target = Path(path)
    made = [p for p in (target.parent, *target.parent.parents) if not p.exists()]     # deepest first
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix=f".incidentmap-{target.name}-", suffix=".tmp",
                                        dir=target.parent))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in {target.parent} ({exc.strerror or exc})") from None
    done = False
    temp = workdir / target.name
    try:
        yield temp
        if not temp.exists():
            raise OutputError(f"{target}: nothing was written")
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temp, 0o666 & ~mask)
        os.replace(temp, target)
        done = True
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        for folder in made if not done else ():
            try:
                folder.rmdir()
            except OSError:
                break


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (no overwrite checks; see :func:`check_output`)."""
    with atomic_path(path) as temp:
        temp.write_text(text, encoding="utf-8")
