"""The kiosk-facing HTTP API: enrol, upload a batch, health. OpenAPI at ``/openapi.json``.

The batch endpoint reads the raw body itself (after checking Content-Length against the limit)
because the signature covers the exact bytes and the schema must be checked strictly, with every
problem listed; its schema is still published in OpenAPI (see :func:`install_openapi`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from kiosk.server.ingest import Ingestor, body_too_large
from kiosk.server.problems import Problem, Refusal
from kiosk.server.ratelimit import RateLimiter
from kiosk.server.wire import Batch
from kiosk.signing import BATCHES_PATH

Clock = Callable[[], float]


class EnrolRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=32, description="The one-time code, as typed")


class EnrolResponse(BaseModel):
    kiosk_id: str
    secret: str = Field(description="Keep it readable by the kiosk's user only")
    centre: str
    server_time: int = Field(description="Unix seconds, to learn the clock offset")


class BatchAck(BaseModel):
    ok: bool = True
    status: str = Field(description='"accepted", or "duplicate" for a batch id already counted')
    batch_id: str
    items: int
    applied: int = Field(description="Items that raised a stored revision")


class Health(BaseModel):
    ok: bool
    database: str
    server_time: int


def refusal_response(refusal: Refusal) -> JSONResponse:
    return JSONResponse(refusal.body(), status_code=refusal.status, headers=refusal.headers)


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refusing with 413 as soon as it is known to be too big: from Content-Length
    before reading anything, or while streaming when the length was not declared."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise Refusal.of([body_too_large(limit)])
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refusal.of([body_too_large(limit)])
        chunks.append(chunk)
    return b"".join(chunks)


def build_api(ingestor: Ingestor, *, clock: Clock = time.time,
              enrol_per_minute: int = 10) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["kiosk"])
    enrol_limiter = RateLimiter(enrol_per_minute)
    store = ingestor.store

    @router.get("/health", response_model=Health)
    def health() -> Health:
        return Health(ok=True, database=store.kind, server_time=int(clock()))

    @router.post("/enrol", response_model=EnrolResponse,
                 responses={403: {"description": "Unknown, used or expired code"},
                            429: {"description": "Too many attempts from this address"}})
    def enrol(payload: EnrolRequest, request: Request) -> EnrolResponse | JSONResponse:
        now = clock()
        client = request.client.host if request.client else "?"
        wait = enrol_limiter.check(client, now=now)
        if wait:
            return refusal_response(Refusal.of(
                [Problem("rate_limited", f"too many attempts; retry in {wait} s")],
                headers={"Retry-After": str(wait)}))
        kiosk = store.enrol(payload.code, now=now)
        if kiosk is None:
            return refusal_response(Refusal(403, (Problem(
                "bad_code", "this code is unknown, already used or expired; ask for a new one",
                "code"),)))
        return EnrolResponse(kiosk_id=kiosk.id, secret=kiosk.secret, centre=kiosk.centre_name,
                             server_time=int(now))

    @router.post("/batches", response_model=BatchAck,
                 responses={code: {"description": text} for code, text in _REFUSALS.items()})
    async def upload(request: Request) -> BatchAck | JSONResponse:
        try:
            body = await _read_body(request, ingestor.limits.max_body_bytes)
            result = await run_in_threadpool(
                lambda: ingestor.upload(method=request.method, path=request.url.path,
                                        headers=dict(request.headers), body=body, now=clock()))
        except Refusal as refusal:
            return refusal_response(refusal)
        return BatchAck(status=result.status, batch_id=result.batch_id, items=result.items,
                        applied=result.applied)

    return router


_REFUSALS = {
    400: "Malformed JSON",
    401: "Unsigned, unknown kiosk, bad signature or stale timestamp (see server_time and Date)",
    403: "Revoked kiosk, or a batch naming another kiosk",
    409: "Replayed nonce",
    413: "Body or item count over the limit",
    422: "Schema problems, every one listed",
    429: "Too many requests: see Retry-After",
}


def install_error_handlers(app: FastAPI) -> None:
    """FastAPI's own validation errors (the enrol body) in the same shape as every refusal."""

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [Problem("malformed_json" if e.get("type") == "json_invalid" else e["type"],
                            str(e["msg"]), ".".join(str(x) for x in e["loc"]))
                    for e in exc.errors()]
        return refusal_response(Refusal.of(problems))


def install_openapi(app: FastAPI) -> None:
    """Publish the batch schema as the upload's request body, with its Item sub-schema."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes,
                             description=app.description)
        batch = Batch.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(batch.pop("$defs", {}))
        components["Batch"] = batch
        operation = schema["paths"][BATCHES_PATH]["post"]
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Batch"}}}}
        operation["parameters"] = [
            {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
            for name in ("X-Kiosk-Id", "X-Timestamp", "X-Nonce", "X-Signature")]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
