"""The application factory: ``create_app(config) -> web.Application``.

Resources (the store, the signing secret, the job worker) are opened and closed in one cleanup
context; routes come from :data:`smworld.shell.routes.ALL`; the middleware chain is error mapping
then authentication. Nothing here reads the environment: everything comes from ``config``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from .cache import ResponseCache, WorldCache
from .config import Config
from .idempotency import idempotent
from .jobs import JobRunner
from .keys import CONFIG, SERVICES, Services
from .middleware import add_common_headers, auth_middleware, error_middleware
from .routes import ALL
from .store.base import Store
from .store.sqlite import SQLiteStore

__all__ = ["create_app"]

log = logging.getLogger("smworld.shell")
StoreFactory = Callable[[Config], Store]


def _sqlite(config: Config) -> Store:
    return SQLiteStore(config.db, synchronous=config.sqlite_synchronous)


def create_app(
    config: Config,
    *,
    store_factory: StoreFactory = _sqlite,
    clock: Callable[[], float] = time.time,
    run_jobs: bool = True,
) -> web.Application:
    """The shell as an aiohttp application. ``run_jobs=False`` leaves queued jobs for another worker."""
    app = web.Application(
        middlewares=[error_middleware, auth_middleware],
        client_max_size=config.max_body_bytes,
    )
    app[CONFIG] = config
    app[SERVICES] = Services(clock=clock, cache=ResponseCache(config.response_cache_bytes),
                             worlds=WorldCache(config.world_cache_bytes))
    for routes in ALL:
        routes.install(app, idempotent)
    app.on_response_prepare.append(add_common_headers)
    app.cleanup_ctx.append(_resources(store_factory, run_jobs))
    return app


def _resources(
    store_factory: StoreFactory, run_jobs: bool
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def resources(app: web.Application) -> AsyncIterator[None]:
        config, services = app[CONFIG], app[SERVICES]
        store = store_factory(config)
        await store.open()
        services.store = store
        services.jwt_secret = config.jwt_secret or await store.setting("jwt_secret", secrets.token_urlsafe(48))
        refunded = await store.refund_expired_reservations(services.clock())
        if refunded:
            log.info("metering: refunded %d reservations abandoned by a stopped process", refunded)
        if run_jobs:
            services.jobs = JobRunner(store, config, services.clock)
            await services.jobs.start()
        try:
            yield
        finally:
            if services.jobs is not None:
                await services.jobs.stop(config.shutdown_timeout_s)
                services.jobs = None
            background = services.extra.get("background")
            if background:
                await asyncio.gather(*background, return_exceptions=True)
            services.store = None
            await store.close()
            log.info("store closed cleanly")

    return resources
