"""Browser tests: the built example site checked by vnu, axe-core, Lighthouse and Chromium."""
