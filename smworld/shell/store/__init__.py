"""Persistence: one interface per concept (:mod:`.interfaces`), the records they trade
(:mod:`.records`), the row layout of a world (:mod:`.rows`), the store's errors (:mod:`.errors`),
and the adapters (:mod:`.sqlite`)."""
