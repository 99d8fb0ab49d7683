"""Render stages: each turns the records and the derived state into files to publish.

Every module here exposes one function of the same shape,
`render_*(records: Records, state: SiteState, settings: Settings) -> list[OutputFile]`,
and `pipeline.build_outputs` calls them in turn.
"""
