"""The app service: apps (tenants) owned by users, their API keys, and their usage."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from ..auth import KeyPrincipal, UserPrincipal, mint_key, resolve_scopes
from ..config import USAGE_KINDS, Config
from ..errors import NotFound
from ..store.interfaces import Store
from ..store.records import AppRecord, KeyRecord
from ..wire.apps import AppCreate, AppList, AppOut, AppPatch, KeyCreate, KeyList, KeyMinted, KeyOut
from ..wire.common import iso, iso_or_none
from ..wire.cursors import encode_cursor
from ..wire.usage import UsageOut
from .caps import check_owner_caps, effective_caps
from .metering import utc_day

__all__ = ["AppService"]


def _key_out(key: KeyRecord) -> KeyOut:
    return KeyOut(id=key.id, prefix=key.prefix, kind=key.kind, mode=key.mode, scopes=list(key.scopes),
                  name=key.name, created_at=iso(key.created_at), last_used_at=iso_or_none(key.last_used_at),
                  revoked_at=iso_or_none(key.revoked_at))


class AppService:
    """Apps and keys for signed-in users; usage for API keys."""

    def __init__(self, store: Store, config: Config, clock: Callable[[], float]) -> None:
        self._store = store
        self._config = config
        self._clock = clock

    def _out(self, app: AppRecord) -> AppOut:
        return AppOut(id=app.id, name=app.name, created_at=iso(app.created_at),
                      caps=effective_caps(self._config, app))

    async def _own(self, user: UserPrincipal, app_id: str) -> AppRecord:
        app = await self._store.apps.get_app(app_id)
        if app is None or app.owner != user.user_id:
            raise NotFound(f"no app {app_id!r} for this user")
        return app

    async def create(self, user: UserPrincipal, data: AppCreate) -> AppOut:
        check_owner_caps(self._config, None, data.caps)
        app = AppRecord(f"app_{uuid.uuid4().hex[:20]}", user.user_id, data.name, dict(data.caps or {}), self._clock())
        await self._store.apps.create_app(app)
        return self._out(app)

    async def page(self, user: UserPrincipal, limit: int, after: tuple[float, str] | None) -> AppList:
        """The user's apps, oldest first, one page."""
        found = await self._store.apps.list_apps(user.user_id, limit + 1, after)
        page = found[:limit]
        cursor = encode_cursor(f"{page[-1].created_at!r}|{page[-1].id}") if len(found) > limit else None
        return AppList(apps=[self._out(app) for app in page], nextCursor=cursor)

    async def get(self, user: UserPrincipal, app_id: str) -> AppOut:
        return self._out(await self._own(user, app_id))

    async def update(self, user: UserPrincipal, app_id: str, data: AppPatch) -> AppOut:
        """Rename and/or lower caps (never above the operator's ceilings)."""
        app = await self._own(user, app_id)
        check_owner_caps(self._config, app, data.caps)
        return self._out(await self._store.apps.update_app(app.id, data.name, data.caps))

    async def delete(self, user: UserPrincipal, app_id: str) -> None:
        """Delete an app with its keys, worlds, versions, jobs and usage."""
        app = await self._own(user, app_id)
        if not await self._store.apps.delete_app(app.id):
            raise NotFound(f"no app {app_id!r} for this user")

    async def mint(self, user: UserPrincipal, app_id: str, data: KeyCreate) -> KeyMinted:
        """A new key; its plaintext is in this result only."""
        app = await self._own(user, app_id)
        scopes = resolve_scopes(data.kind, data.scopes)
        plaintext, key_hash, prefix = mint_key(data.kind, data.mode)
        key = KeyRecord(f"key_{uuid.uuid4().hex[:20]}", app.id, key_hash, prefix, data.kind, data.mode, scopes,
                        data.name, self._clock())
        await self._store.apps.create_key(key)
        return KeyMinted(id=key.id, key=plaintext, prefix=prefix, kind=key.kind, mode=key.mode, scopes=list(scopes),
                         name=key.name, created_at=iso(key.created_at))

    async def keys(self, user: UserPrincipal, app_id: str) -> KeyList:
        app = await self._own(user, app_id)
        return KeyList([_key_out(key) for key in await self._store.apps.list_keys(app.id)])

    async def revoke(self, user: UserPrincipal, app_id: str, key_id: str) -> None:
        app = await self._own(user, app_id)
        if not await self._store.apps.revoke_key(app.id, key_id, self._clock()):
            raise NotFound(f"no key {key_id!r} in app {app.id!r}")

    async def usage(self, principal: KeyPrincipal) -> UsageOut:
        """Today's usage and caps for the key's app and mode."""
        day = utc_day(self._clock())
        used = await self._store.meter.usage(principal.app_id, principal.mode, day)
        caps = effective_caps(self._config, await self._store.apps.get_app(principal.app_id))
        return UsageOut(day=day, usage={kind: used.get(kind, 0) for kind in USAGE_KINDS}, caps=caps)
