"""The build cache (`.statusgen-cache/`): records parsed once (records.py) and archived pages
rendered once (pages.py), in a store that no damaged or foreign file can fool (store.py)."""
