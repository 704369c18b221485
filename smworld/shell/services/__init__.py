"""The services: the shell's rules, as plain async methods on typed arguments.

A service never sees an HTTP request: routes, jobs and the CLI call the same methods. :class:`Services`
is the bundle the application opens at start-up (:func:`open_services`) and closes at shutdown.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from ..cache import ResponseCache, WorldCache
from ..config import Config
from ..store.interfaces import Store
from .apps import AppService
from .authentication import Authenticator
from .jobs import JobRunner
from .new_worlds import NewWorlds
from .versions import VersionService
from .worlds import Loaded, WorldService

__all__ = ["Services", "open_services"]

log = logging.getLogger("smworld.shell")


@dataclass
class Services:
    """Everything a request, a job or a command may call, built over one open store."""

    config: Config
    store: Store
    clock: Callable[[], float]
    auth: Authenticator
    apps: AppService
    worlds: WorldService
    new_worlds: NewWorlds
    versions: VersionService
    jobs: JobRunner | None = None
    documents: dict[str, bytes] = field(default_factory=dict)
    """Encoded discovery documents (``/openapi.json``, the world schema), built once per process."""

    async def close(self, shutdown_timeout_s: float) -> None:
        """Stop the job worker (the running job gets ``shutdown_timeout_s``) and background writes."""
        if self.jobs is not None:
            await self.jobs.stop(shutdown_timeout_s)
            self.jobs = None
        await self.auth.close()


async def open_services(store: Store, config: Config, clock: Callable[[], float], *, run_jobs: bool) -> Services:
    """The services over ``store`` (already open): the signing secret fetched or made, abandoned
    reservations refunded, and the job worker started when ``run_jobs``."""
    secret = config.jwt_secret or await store.apps.setting("jwt_secret", secrets.token_urlsafe(48))
    refunded = await store.meter.refund_expired(clock())
    if refunded:
        log.info("metering: refunded %d reservations abandoned by a stopped process", refunded)
    worlds = WorldService(store, clock, ResponseCache(config.response_cache_bytes),
                          WorldCache[Loaded](config.world_cache_bytes))
    services = Services(
        config=config, store=store, clock=clock, auth=Authenticator(store, config, clock, secret),
        apps=AppService(store, config, clock), worlds=worlds, new_worlds=NewWorlds(store, config, clock, worlds,
                                                                                    lambda: services.jobs),
        versions=VersionService(store, clock, worlds),
    )
    if run_jobs:
        services.jobs = JobRunner(store, config, clock)
        await services.jobs.start()
    return services
