"""The application factory: ``create_app(config) -> web.Application``.

The store and the services over it are opened and closed in one cleanup context; routes come from
:data:`smworld.shell.routes.ALL`; the middleware chain is error mapping then authentication.
Nothing here reads the environment: everything comes from ``config``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from .config import Config
from .http.context import CONFIG, SERVICES, Opened
from .http.idempotency import idempotent
from .http.middleware import add_common_headers, auth_middleware, body_limit, cors_preflight, error_middleware
from .routes import ALL
from .services import open_services
from .store.interfaces import Store
from .store.sqlite import SQLiteStore

__all__ = ["create_app"]

log = logging.getLogger("smworld.shell")
StoreFactory = Callable[[Config], Store]


def sqlite_store(config: Config) -> Store:
    """The embedded default: the SQLite file ``config.db``."""
    return SQLiteStore(config.db, synchronous=config.sqlite_synchronous)


def create_app(
    config: Config,
    *,
    store_factory: StoreFactory = sqlite_store,
    clock: Callable[[], float] = time.time,
    run_jobs: bool = True,
) -> web.Application:
    """The shell as an aiohttp application. ``run_jobs=False`` leaves queued jobs for another worker."""
    app = web.Application(middlewares=[error_middleware, body_limit, cors_preflight, auth_middleware],
                          client_max_size=config.max_body_bytes)
    app[CONFIG] = config
    app[SERVICES] = Opened()
    for routes in ALL:
        routes.install(app, idempotent)
    app.on_response_prepare.append(add_common_headers)
    app.cleanup_ctx.append(_resources(store_factory, clock, run_jobs))
    return app


def _resources(
    store_factory: StoreFactory, clock: Callable[[], float], run_jobs: bool
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def resources(app: web.Application) -> AsyncIterator[None]:
        config, opened = app[CONFIG], app[SERVICES]
        store = store_factory(config)
        await store.open()
        try:
            opened.services = await open_services(store, config, clock, run_jobs=run_jobs)
            yield
        finally:
            if opened.services is not None:
                await opened.services.close(config.shutdown_timeout_s)
                opened.services = None
            await store.close()
            log.info("store closed cleanly")

    return resources
