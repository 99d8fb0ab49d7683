"""Discover and load every record of a site, collecting every problem before giving up.

discover -> read -> parse YAML -> validate the model -> cross-record rules. A broken file
never stops the others from being read: the user gets the whole list at once.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .cache.file_digests import file_digest, now_ns
from .cache.records import RecordCache
from .errors import ContentError, Problem
from .models import Announcement, ComponentCatalogue, Incident, Maintenance, PlanCatalogue, Postmortem
from .models.common import ID_RE
from .parallel import map_in_order
from .record_layout import CATALOGUE_NAMES, RECORD_FOLDER_NAMES, catalogue_translation_files, name_suffix
from .records import Records
from .rules import Violation, check_rules
from .slugs import slugify
from .source_files import SourceFile, display_path, not_a_file, read_source, validate_model
from .translation_loader import load_translations, translation_name, translation_of_stem

RECORD_FOLDERS: dict[str, type[BaseModel]] = dict(zip(RECORD_FOLDER_NAMES, (Incident, Maintenance, Postmortem, Announcement),
                                                     strict=True))
"""Folder of content/ -> the model of the Markdown records in it."""
CATALOGUES: dict[str, type[BaseModel]] = dict(zip(CATALOGUE_NAMES, (ComponentCatalogue, PlanCatalogue), strict=True))
"""YAML files of content/ -> their model."""
_RESERVED_KEYS = ("id", "body")
MAX_ID_LENGTH = 100
"""As RecordId allows: a longer file name could never be referred to."""


_RECORD_LIKE = (".md", ".markdown", ".mdown", ".mkd", ".txt", ".yml", ".yaml", ".json")
"""Suffixes of files that look like records: anything else in a record folder (an image for
a post-mortem, say) is left alone, but these must be .md or they would be silently skipped."""


RecordFile = tuple[str, str]
"""(folder, path) of a record file, its path as text: a long history has tens of thousands,
and a Path is made only of a file that is read or reported (pathlib took 3 us a file)."""

_listed: tuple[str, list[RecordFile], list[Problem], list[tuple[str, Path]]] | None = None
"""(listing, records, problems, translations) of this process's last record_files with a listing."""


Walked = Mapping[str, Sequence[tuple[str, int]]]
"""A record folder's path -> (path, mode as lstat gives it) of everything below it, in the order
of sorted Paths: record_memo's fingerprint walks the folders, and the loader reads the walk."""


def record_files(content_dir: Path, problems: list[Problem] | None = None,
                 translations: list[tuple[str, Path]] | None = None, listing: str | None = None,
                 walked: Walked | None = None) -> list[RecordFile]:
    """(folder, path) of every Markdown record under content_dir, in a stable order; the
    translations (ID.LANG.md) are added to `translations`, never taken for records.

    Anything that looks like a record but cannot be read as one (a folder named x.md, a
    broken link, x.MD, x.yml) is reported in `problems` rather than silently skipped.

    `listing` is a hash of every name in the record folders and its kind (record_memo's
    fingerprint): while it is the one of this process's last call, the folders are not
    walked again (`serve`, where a save changes a file's bytes, not the listing). With `walked`,
    the folders as the fingerprint has just walked them, they are not walked a second time."""
    global _listed
    if listing is not None and _listed is not None and _listed[0] == listing:
        _, found, found_problems, found_translations = _listed
    else:
        found_problems, found_translations = [], []
        found = _record_files(content_dir, found_problems, found_translations, walked)
        _listed = (listing, found, found_problems, found_translations) if listing is not None else None
    if problems is not None:
        problems.extend(found_problems)
    if translations is not None:
        translations.extend(found_translations)
    return list(found)


def _record_files(content_dir: Path, problems: list[Problem], translations: list[tuple[str, Path]],
                  walked: Walked | None = None) -> list[RecordFile]:
    root = content_dir.resolve()
    found: list[tuple[str, tuple[str, ...], str]] = []
    for folder in RECORD_FOLDERS:
        directory = content_dir / folder
        problem = _not_a_folder(directory, root)
        if problem is not None:
            problems.append(Problem(display_path(directory), 0, "", problem))
            continue
        if not directory.is_dir():
            continue
        # Walked and sorted as strings, in the order of sorted Paths (by their parts): a Path
        # is made only for what is reported or read, as a long history has tens of thousands.
        top = str(directory)
        below = _as_walked(top, walked[top]) if walked is not None and top in walked else sorted(_walk(top), key=_parts)
        for parts, entry_path, mode in below:
            name = parts[-1]
            if name.endswith("~"):
                continue  # editors' backups
            suffix = name_suffix(name)
            linked = stat.S_ISLNK(mode)
            if linked or suffix.lower() in _RECORD_LIKE:
                problem = _not_a_record(folder, Path(entry_path), root) if linked else _not_a_plain_record(folder, suffix, mode)
                if problem is not None:
                    problems.append(Problem(display_path(Path(entry_path)), 0, "", problem))
                elif suffix == ".md" and translation_of_stem(name[:-3]) is not None:
                    translations.append((folder, Path(entry_path)))
                elif suffix == ".md":
                    found.append((folder, parts, entry_path))
    return [(folder, path) for folder, _, path in sorted(found, key=lambda item: item[:2])]


def _parts(item: tuple[tuple[str, ...], str, int]) -> tuple[str, ...]:
    return item[0]


def _as_walked(top: str, below: Sequence[tuple[str, int]]) -> Iterator[tuple[tuple[str, ...], str, int]]:
    """What _walk would give of `top`, from a walk of it that left nothing out: hidden names
    (and all below them) are left out here."""
    start = len(top) + 1
    for path, mode in below:
        parts = tuple(path[start:].split("/"))
        if not any(part.startswith(".") for part in parts):
            yield parts, path, mode


def _not_a_folder(directory: Path, root: Path) -> str | None:
    """Why a record folder cannot be read: a file in its place, a link out of content/."""
    if not directory.exists() and not directory.is_symlink():
        return None
    if directory.is_symlink():
        problem = not_a_file(directory, root, "")
        if problem is not None and not problem.startswith("this is a folder"):
            return problem
    if not directory.is_dir():
        return f"{directory.name} must be a folder of .md records, not a file"
    return None


def _walk(directory: str, parts: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str, int]]:
    """(the names leading to it from `directory`, its path, its kind as a mode) of every file
    and folder below `directory`, leaving out hidden ones (editors' and version control's own)
    and not following links to folders. An entry tells its kind without a system call."""
    for entry in os.scandir(directory):
        if entry.name.startswith("."):
            continue
        named = (*parts, entry.name)
        folder = entry.is_dir(follow_symlinks=False)
        yield named, entry.path, (stat.S_IFLNK if entry.is_symlink() else stat.S_IFDIR if folder
                                  else stat.S_IFREG if entry.is_file(follow_symlinks=False) else 0)
        if folder:
            yield from _walk(entry.path, named)


def _not_a_plain_record(folder: str, suffix: str, mode: int) -> str | None:
    """_not_a_record for what is not a link, from its kind and suffix alone."""
    if stat.S_ISDIR(mode):
        return "this is a folder: a record is a Markdown file" if suffix.lower() in _RECORD_LIKE else None
    if suffix.lower() not in _RECORD_LIKE:
        return None
    if suffix != ".md":
        return f"records in {folder}/ are Markdown files ending in .md (lower case)"
    return None if stat.S_ISREG(mode) else "this is not a regular file: a record is a Markdown file"


def _not_a_record(folder: str, path: Path, root: Path) -> str | None:
    """Why a path that looks like a record cannot be read as one; None if it can (or is no record)."""
    if path.is_symlink() and path.is_dir():
        return "this link to a folder is not followed: put the records in the folder itself"
    if path.is_dir():
        return "this is a folder: a record is a Markdown file" if path.suffix.lower() in _RECORD_LIKE else None
    if path.suffix.lower() not in _RECORD_LIKE:
        return None
    if path.suffix != ".md":
        return f"records in {folder}/ are Markdown files ending in .md (lower case)"
    return not_a_file(path, root, "a record is a Markdown file")


def is_record_path(content_dir: Path, path: Path) -> bool:
    """True for files that are records or their translations (read as data, never published)."""
    try:
        relative = path.resolve().relative_to(content_dir.resolve())
    except ValueError:
        return False
    return is_record_relative(relative)


def is_record_relative(relative: Path) -> bool:
    """is_record_path for a path already made relative to the (resolved) content folder."""
    if not relative.parts:
        return False
    if relative.parts[0] in RECORD_FOLDERS:
        return True
    if len(relative.parts) != 1:
        return False
    translated = translation_name(relative) if relative.suffix == ".yml" else None
    return relative.name in CATALOGUES or (translated is not None and translated[0] + ".yml" in CATALOGUES)


def load_records(content_dir: Path, languages: tuple[str, ...] | None = None, cache: RecordCache | None = None,
                 listing: str | None = None, walked: Walked | None = None,
                 assembled: Callable[[Records], object] | None = None) -> Records:
    """Every record of the site and its translations, validated; raises ContentError listing
    every problem. `languages` are the site's (None: a translation may be in any language).
    With a `cache`, a record file whose bytes were parsed before is not parsed again; with a
    `listing` (see record_files), an unchanged listing of the folders is not walked again; with
    `walked`, they are read as just walked. `assembled` is called with the records once each is
    valid on its own, before the rules across records are checked (a build starts counting
    their uptime on the other core then: the records it is given may still be refused)."""
    if not content_dir.is_dir():
        raise ContentError([Problem(display_path(content_dir), 0, "", "the content folder does not exist "
                                                                  "(set `content_dir` under the statusgen plugin in mkdocs.yml)")])
    problems: list[Problem] = []
    sources: dict[tuple[str, str], SourceFile] = {}
    broken: set[tuple[str, str]] = set()
    catalogues = {name: _load_catalogue(content_dir, name, sources, broken, problems) for name in CATALOGUES}
    loaded: dict[str, list[Any]] = {folder: [] for folder in RECORD_FOLDERS}
    translation_paths: list[tuple[str, Path]] = []
    files = record_files(content_dir, problems, translation_paths, listing, walked)
    for (folder, path), parsed in zip(files, _parse_records(files, cache), strict=True):
        record_id = record_stem(path)
        record = _load_record(folder, path, record_id, sources, problems, parsed)
        if record is not None:
            loaded[folder].append(record)
        else:
            broken.update({(folder, record_id), (folder, _slug(record_id))})
    components = catalogues["components.yml"]
    originals: dict[tuple[str, str], Any] = {(folder, record.id): record for folder in loaded for record in loaded[folder]}
    originals.update({("catalogue", name.split(".")[0]): catalogue
                      for name, catalogue in catalogues.items() if catalogue is not None})
    translations = load_translations(translation_paths, catalogue_translation_files(content_dir), originals,
                                     languages, broken, problems, cache)
    if components is None:
        raise ContentError(problems)
    records = Records(
        components=components,
        plans=catalogues["plans.yml"],
        incidents=tuple(sorted(loaded["incidents"], key=lambda r: (r.started, r.id))),
        maintenance=tuple(sorted(loaded["maintenance"], key=lambda r: (r.scheduled_start, r.id))),
        postmortems=tuple(sorted(loaded["postmortems"], key=lambda r: (r.published, r.id))),
        announcements=tuple(sorted(loaded["announcements"], key=lambda r: (r.published, r.id))),
        sources={key: source.path_text for key, source in sources.items()},
        translations=translations,
    )
    if assembled is not None and not problems:
        assembled(records)
    for violation in check_rules(records):
        # An unknown reference to a record that exists but is itself broken only echoes
        # that record's own error; it would send the reader to the wrong file.
        target = violation.refers_to
        if target is None or (target not in broken and (target[0], "*") not in broken):
            problems.append(_locate(violation, sources))
    if problems:
        raise ContentError(problems)
    return records


def _load_catalogue(content_dir: Path, name: str, sources: dict[tuple[str, str], SourceFile],
                    broken: set[tuple[str, str]], problems: list[Problem]) -> Any:
    """One catalogue (components.yml, plans.yml) validated, or None with its problems noted."""
    path = content_dir / name
    what = name.split(".")[0]
    if not path.exists() and not path.is_symlink():
        other = path.with_suffix(".yaml")
        if other.exists():
            problems.append(Problem(display_path(other), 0, "", f"rename this file to {name}"))
            broken.add((what, "*"))
        elif name == "components.yml":
            problems.append(Problem(display_path(path), 0, "", "file not found: every site lists its components here"))
        return None
    catalogue = None
    problem = not_a_file(path, content_dir.resolve(), f"{name} must be a YAML file")
    if problem is not None:
        problems.append(Problem(display_path(path), 0, "", problem))
    else:
        read = read_source(path, markdown=False, problems=problems)
        if read is not None:
            source, data, _ = read
            sources[("catalogue", name)] = source
            catalogue = validate_model(CATALOGUES[name], data, source, problems)
    if catalogue is None:
        broken.add((what, "*"))
    return catalogue


def record_stem(path: str) -> str:
    """A record file's name without `.md` (record_files yields only .md files): its id."""
    return os.path.basename(path)[:-3]


def _load_record(folder: str, text: str, record_id: str, sources: dict[tuple[str, str], SourceFile],
                 problems: list[Problem], parsed: tuple[SourceFile | None, Any, list[Problem]]) -> Any:
    if not ID_RE.fullmatch(record_id) or len(record_id) > MAX_ID_LENGTH:
        slug = _slug(record_id)
        hint = f" (rename it to {slug}.md?)" if slug else ""
        problems.append(Problem(display_path(Path(text)), 0, "", f"file name {record_id!r} is not a valid id: use lower-case letters, "
                                                f"digits and hyphens, at most {MAX_ID_LENGTH}{hint}"))
        return None
    if (folder, record_id) in sources:
        other = sources[(folder, record_id)].display
        problems.append(Problem(display_path(Path(text)), 0, "", f"duplicate id {record_id!r}: {other} has the same file name"))
        return None
    source, record, found = parsed
    problems.extend(found)
    if source is not None:
        sources[(folder, record_id)] = source
    return record


Parsed = tuple[SourceFile | None, Any, list[Problem]]
"""A record file read: its source (for line numbers), its model (None if broken), its problems."""


def _parse_records(files: list[RecordFile], cache: RecordCache | None) -> list[Parsed]:
    """Every record file parsed, in order: from the cache when its bytes were parsed before,
    the others on every core."""
    if cache is None:
        return map_in_order(_parse_record, files)
    parsed: list[Parsed | None] = [None] * len(files)
    missed: list[int] = []
    digests: dict[int, str] = {}
    jobs: list[RecordFile | tuple[str, str, bytes]] = list(files)
    for index, (folder, path) in enumerate(files):
        if cache.left_to_workers(path):
            missed.append(index)
            continue
        record, read = cache.find(folder, path, record_stem(path), RECORD_FOLDERS[folder])
        if record is not None:
            # Its YAML is read again only if a rule across records fails and a message needs a line.
            parsed[index] = (SourceFile.unread(path), record, [])
            continue
        missed.append(index)
        if read is not None:
            # Parsed from these very bytes: the entry's key must be what was parsed.
            jobs[index] = (folder, path, read[0])
            digests[index] = read[1]
    for index, (fresh, hashed) in zip(missed, map_in_order(_parse_and_hash, [jobs[index] for index in missed]), strict=True):
        parsed[index] = fresh
        record = fresh[1]
        digest = digests.get(index)
        if hashed is not None:
            digest, info, started = hashed
            cache.hashed(files[index][1], info, digest, started)
        if record is not None and not fresh[2] and digest is not None:
            cache.remember(files[index][0], digest, record)
    return [item for item in parsed if item is not None]


def _parse_and_hash(job: RecordFile | tuple[str, str, bytes]) -> tuple[Parsed, tuple[str, os.stat_result, int] | None]:
    """_parse_record, and for a file it reads (a job without its bytes) the digest of the
    bytes it parsed, with the file's stat taken before it was read and the clock before that
    (for FileDigests.hashed): the cache's key for the record is what was parsed, whatever the
    file holds by now. Read and hashed in the worker, so that a first build shares that work
    between the cores."""
    if len(job) == 3:
        return _parse_record(job), None
    started = now_ns()
    try:
        info = os.lstat(job[1])
        data = Path(job[1]).read_bytes()
    except OSError:
        return _parse_record(job), None  # its parser reads it again, and says why it cannot
    return _parse_record((job[0], job[1], data)), (file_digest(data), info, started)


def _parse_record(job: RecordFile | tuple[str, str, bytes]) -> Parsed:
    """Read and validate one record file on its own (no other record is needed), so that
    files can be parsed on every core; the checks across files stay in _load_record. A job
    may carry the file's bytes as already read (and hashed, for the cache)."""
    folder, path = job[0], Path(job[1])
    problems: list[Problem] = []
    read = read_source(path, markdown=True, problems=problems, raw=job[2] if len(job) == 3 else None)
    if read is None:
        return None, None, problems
    source, data, body = read
    reserved = [key for key in _RESERVED_KEYS if key in data]
    for key in reserved:
        problems.append(source.problem((key,), f"'{key}' cannot be set: a record's {key} is its {'file name' if key == 'id' else 'Markdown after the front matter'}", key=True))
    if reserved:
        return source, None, problems
    record = validate_model(RECORD_FOLDERS[folder], data, source, problems)
    return source, record.model_copy(update={"id": path.stem, "body": body}) if record is not None else None, problems


def _slug(name: str) -> str:
    """The valid id closest to a file name ('API Errors' -> 'api-errors'), or ''."""
    return slugify(name, MAX_ID_LENGTH)


def _locate(violation: Violation, sources: dict[tuple[str, str], SourceFile]) -> Problem:
    source = sources[(violation.kind, violation.record_id)]
    message = violation.message
    if violation.see is not None:
        kind, record_id, loc = violation.see
        other = sources[(kind, record_id)].problem(loc, "")
        message += f" ({other.path}:{other.line})"
    return source.problem(violation.loc, message)
