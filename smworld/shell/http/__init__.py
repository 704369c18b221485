"""HTTP plumbing around the services: the route table and wire helpers (:mod:`.routing`), query
parameters (:mod:`.query`), the one error registry (:mod:`.errors`), the middleware chain,
``Idempotency-Key``, and the OpenAPI document generated from the routes' Structs."""
