"""`pimap site`: the national map as a static folder any web host, file share or disk can serve."""

from __future__ import annotations

import argparse
from pathlib import Path

from mapping.cli.options import add_selection_arguments, selection_from


def register(subparsers: argparse._SubParsersAction) -> None:
    site = subparsers.add_parser(
        "site", help="write the map as a static site (HTML, script, Leaflet, shapes, figures, table, download)",
        description="Write a self-contained folder that shows the map from any static host or from disk, with no "
                    "server and no network; open index.html, or put the folder on a web host and embed it in an "
                    "iframe (docs/embedding.md).")
    add_selection_arguments(site)
    site.add_argument("--out", type=Path, required=True, metavar="DIR",
                      help="folder to write: new, empty, or (with --force) an earlier site")
    site.add_argument("--force", action="store_true", help="replace an earlier site in DIR (only its own files)")
    site.set_defaults(func=_site)


def _site(args: argparse.Namespace) -> int:
    from mapping.errors import OutputError, PimapError
    from mapping.present.site import build_site, check_site_folder, write_site

    def flagged(exc: OutputError) -> PimapError:
        text = str(exc)
        return PimapError(text.replace("allow replacing it", "pass --force to replace it"))

    try:
        check_site_folder(args.out, overwrite=args.force)
    except OutputError as exc:
        raise flagged(exc) from None
    files = build_site(selection_from(args))
    try:
        out = write_site(files, args.out, overwrite=args.force)
    except OutputError as exc:
        raise flagged(exc) from None
    size = sum(len(b) for b in files.values())
    print(f"site: {len(files)} files, {size:,} bytes in {out}; open {out / 'index.html'}")
    return 0
