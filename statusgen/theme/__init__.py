"""The `statusgen` MkDocs theme.

MkDocs finds a theme's folder from this module's location; the templates themselves are
`statusgen/templates/`, which the plugin adds to the theme's search path
(see StatusgenPlugin.on_config), so the theme needs the plugin.
"""
