"""Exceptions a user can act on: each names the file, row, column or id at fault."""


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
