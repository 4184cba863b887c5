"""`plangen build`: the nightly archive — every plan → output/, only what changed.

- Incremental by content: a plan's key is a sha256 over the plan and roster bytes, every file
  its renders reported reading (plangen.reads: seal, templates, font profile and font files),
  the template folders, the font profile's resolution, plangen's source and version, the
  formats and SOURCE_DATE_EPOCH. Same key and every listed file intact → nothing to do.
- The package, one job per module: `inputs` (which files are plans, the old manifest),
  `cache` (content hashes with a stat memo), `jobs` (job model, batching, serial and parallel
  runners behind one interface), `write` (files on disk, failures per file), `index`
  (index.html from a Jinja template), `report` (progress, summary) and `run` (orchestration).
- A warm no-op build imports neither pydantic nor any renderer nor Jinja (see docs/build.md).
- Only the main process writes (plangen.outio.atomic_write): files, index.html, manifest.json
  (last), the cache. A plan that fails keeps its previous outputs and is reported; the others
  still build. Exit 0 all built, 1 some plan failed or the disk is full.
"""

from plangen.build.run import run_build

__all__ = ["run_build"]
