"""The wire: every request and response body of the HTTP API as a msgspec Struct.

These Structs are what the handlers decode and encode — and what ``/openapi.json`` is generated
from — so the document cannot drift from the bytes. One module per resource; :mod:`.common` holds
the schema version, the error body and the shared field types.
"""
