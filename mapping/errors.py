"""Every exception the project raises for a user to act on, in one place.

Each is a :class:`PimapError`, a subclass of ``ValueError``: the CLI prints its message as one line and
the app shows it as text, so a message names the file, row, column or id at fault and the fix, and never
a command-line flag (the CLI and the app each add their own words for how to fix it).
"""

from __future__ import annotations

from pathlib import Path


class PimapError(ValueError):
    """Base class for errors reported to the user without a traceback."""


class DataFileError(PimapError):
    """A registered data file is missing, corrupt or could not be downloaded."""


class GeographyError(PimapError):
    """An unknown geography id, or a layer that failed its checks on load."""


class PopulationError(PimapError):
    """An unknown population year or inconsistent population data."""


class CacheError(PimapError):
    """The cache directory cannot be written (read-only, a file, full) or a file in it cannot be repaired."""


class CacheRepairWarning(UserWarning):
    """A damaged cached file was moved to the quarantine folder and is being rebuilt or fetched again."""


class TeamsFileError(PimapError):
    """The teams file is missing or has rows that break its rules; lists every problem found."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = list(problems or [])


class FoiError(PimapError):
    """FOI replies that cannot be used as given: the message says which file, row or area, and the fix."""


class UploadError(PimapError):
    """A tabular file that is refused: the message names the file, the cell or row, and the fix."""


class LadderError(PimapError):
    """Inputs the ladder cannot use as given; the message says which and how to fix them."""


class ChangesError(PimapError):
    """Two selections that cannot be compared as one map at two dates: the message says what differs."""


class AreaNotFound(PimapError):
    """No area of the geography matches the name or code given."""


class PostcodeError(PimapError):
    """A postcode that cannot be placed: malformed, unknown, terminated, outside the UK or the geography."""


class OutputError(PimapError):
    """An output file cannot be written: the message names the file and the fix."""


class OutputExistsError(OutputError):
    """The output file exists and replacing it was not asked for."""

    def __init__(self, path: Path, fix: str = "allow replacing it") -> None:
        super().__init__(f"output file {str(path)!r} already exists and was left as it is; "
                         f"choose another name or {fix}")
        self.path = path


class ReportError(PimapError):
    """A pack cannot be built as asked: the message names the option or file and what to do."""


class PackFolderError(ReportError):
    """The output folder cannot take the pack: ``reason`` says why without naming the folder (the app
    shows it to visitors, who must not see a server path); the message names the folder."""

    def __init__(self, out: Path, reason: str, *, earlier_pack: bool = False) -> None:
        super().__init__(f"output folder {str(out)!r} {reason}")
        self.reason = reason
        self.earlier_pack = earlier_pack  # refused only because replacing an earlier pack was not asked for
