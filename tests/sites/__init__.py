"""The sites the tests build, each made one way.

- records.py: validated records in memory, one builder per record kind, sorted as the loader
  sorts them; for tests of the core (derive, timeline, uptime, publishers).
- files.py: a site on disk: record files, mkdocs.yml, and a small valid site to break one
  file of; for tests of the loader, the CLI and the MkDocs plugin.
- corpus.py: the site of the machine-readable outputs (API, feeds, calendar, badges), its
  front matter kept as dicts so the schema tests validate the very same data.
- pages.py: the site of the page tests, with record text that tries to inject script.
- hostile.py: every field of every record kind filled with injection payloads, on disk.
"""
