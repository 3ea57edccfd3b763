"""The Todo contract (contract/openapi.yaml) on FastAPI + SQLModel + python-jose.

A second implementation of the contract, built the way a typical FastAPI team
builds it, for running todo-conformance against something other than the
reference server. It has the task routes, /health and /ready; no account
routes (/api/auth/register|login|logout): tokens come from elsewhere (Better
Auth, or anyone holding the shared HS256 secret).

Environment (see README.md):
  BETTER_AUTH_SECRET     required, at least 32 bytes: the HS256 secret
  DATABASE_URL           required: postgres://user:password@host:port/db
  FASTAPI_TARGET_FLAW    "" (default) | legacy-403 | no-exp-required
  FASTAPI_TARGET_SHAPE   seed (default) | wrapped
Run it with serve.sh (which also reads PORT).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jose import jwt
from pydantic import StrictBool, field_validator
from sqlalchemy import DateTime, Text, text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlmodel import Field, Session, SQLModel, create_engine, select
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

log = logging.getLogger("uvicorn.error")

# --- configuration ------------------------------------------------------------

FLAWS = ("", "legacy-403", "no-exp-required")
SHAPES = ("seed", "wrapped")

MIN_SECRET_BYTES = 32
MAX_TOKEN_BYTES = 8 * 1024
MAX_BODY_BYTES = 64 * 1024
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 1000
JWT_LEEWAY_SECS = 30


def _refuse_to_start(message: str) -> None:
    # Raised at import: uvicorn exits with this line instead of a traceback.
    print(f"fastapi target: error: {message}", file=sys.stderr)
    raise SystemExit(1)


def _sqlalchemy_url(url: str) -> str:
    """postgres:// (libpq, Heroku, the reference server) -> SQLAlchemy's psycopg2 URL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


SECRET = os.environ.get("BETTER_AUTH_SECRET", "")
if not SECRET:
    _refuse_to_start("BETTER_AUTH_SECRET is not set: it is the HS256 secret tokens are verified with")
if len(SECRET.encode()) < MIN_SECRET_BYTES:
    _refuse_to_start(f"BETTER_AUTH_SECRET must be at least {MIN_SECRET_BYTES} bytes long")

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    _refuse_to_start("DATABASE_URL is not set (e.g. postgres://postgres:postgres@127.0.0.1:5432/todo)")

FLAW = os.environ.get("FASTAPI_TARGET_FLAW", "").strip()
if FLAW == "none":
    FLAW = ""
if FLAW not in FLAWS:
    _refuse_to_start(f"FASTAPI_TARGET_FLAW must be one of legacy-403, no-exp-required or empty, got {FLAW!r}")

SHAPE = os.environ.get("FASTAPI_TARGET_SHAPE", "").strip() or "seed"
if SHAPE not in SHAPES:
    _refuse_to_start(f"FASTAPI_TARGET_SHAPE must be seed or wrapped, got {SHAPE!r}")

if not DATABASE_URL.startswith(("postgres://", "postgresql://", "postgresql+psycopg2://")):
    _refuse_to_start("DATABASE_URL must be a postgres:// (or postgresql://) URL")
POOL_SIZE = 10
POOL_OVERFLOW = 10
try:
    engine = create_engine(
        _sqlalchemy_url(DATABASE_URL),
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_timeout=10,
        # Timestamps come back in UTC, whatever the server's time zone.
        connect_args={"options": "-c timezone=UTC", "connect_timeout": 5},
    )
except Exception as error:  # a malformed URL: say so without echoing it (it has a password)
    _refuse_to_start(f"DATABASE_URL is not a usable database URL ({type(error).__name__})")


def get_session():
    with Session(engine) as session:
        yield session


# Sessions end with the path operation (scope="function"), and no more run
# at once than the pool has connections: requests beyond wait without taking
# a worker thread. Without both, 64 concurrent requests deadlock: every
# thread waits for a connection held by a session whose cleanup needs a
# thread.
SessionDep = Annotated[
    Session,
    Depends(get_session, scope="function", max_concurrency=POOL_SIZE + POOL_OVERFLOW),
]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# --- models ---------------------------------------------------------------------


class Task(SQLModel, table=True):
    # Its own table, so it can share a database with the reference server's `tasks`.
    __tablename__ = "fastapi_task"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: str = Field(sa_type=Text, index=True)
    title: str = Field(max_length=MAX_TITLE_CHARS)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION_CHARS)
    completed: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


def _title(value: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= MAX_TITLE_CHARS:
        raise ValueError(f"title must be 1 to {MAX_TITLE_CHARS} characters after trimming")
    if "\x00" in value:
        raise ValueError("title must not contain NUL characters")
    return value


def _description(value: str | None) -> str | None:
    if value is not None:
        if len(value) > MAX_DESCRIPTION_CHARS:
            raise ValueError(f"description must be at most {MAX_DESCRIPTION_CHARS} characters")
        if "\x00" in value:
            raise ValueError("description must not contain NUL characters")
    return value


class _TaskText(SQLModel):
    """Title and description, validated as the contract says (lengths in code points)."""

    title: str
    description: str | None = None

    @field_validator("title")
    @classmethod
    def check_title(cls, value: str) -> str:
        return _title(value)

    @field_validator("description")
    @classmethod
    def check_description(cls, value: str | None) -> str | None:
        return _description(value)


class TaskCreate(_TaskText):
    """POST body. Anything else (id, user_id, completed, created_at...) is ignored."""


class TaskUpdate(_TaskText):
    """PUT body: title required; description absent = keep, null = clear; completed absent/null = keep."""

    completed: StrictBool | None = None


class TaskUpdateWrapped(_TaskText):
    """PUT body of the wrapped shape: `status` instead of `completed`."""

    status: Literal["open", "done"] | None = None


class TaskRead(SQLModel):
    id: uuid.UUID
    user_id: str
    title: str
    description: str | None
    completed: bool
    created_at: datetime
    updated_at: datetime


class TaskReadWrapped(SQLModel):
    id: uuid.UUID
    user_id: str
    title: str
    description: str | None
    status: Literal["open", "done"]
    created_at: datetime
    updated_at: datetime


class TaskListWrapped(SQLModel):
    tasks: list[TaskReadWrapped]
    count: int


WRAPPED = SHAPE == "wrapped"
TaskOut = TaskReadWrapped if WRAPPED else TaskRead
ListOut = TaskListWrapped if WRAPPED else list[TaskRead]
UpdateIn = TaskUpdateWrapped if WRAPPED else TaskUpdate


def present(task: Task) -> TaskRead | TaskReadWrapped:
    if WRAPPED:
        fields = task.model_dump(exclude={"completed"})
        return TaskReadWrapped(**fields, status="done" if task.completed else "open")
    return TaskRead.model_validate(task)


# --- authentication ------------------------------------------------------------------


class InvalidToken(Exception):
    """Why a presented bearer token was refused (for the log, never for the client)."""


# Three base64url segments, nothing else. python-jose decodes segments with
# base64.urlsafe_b64decode, which silently skips characters outside the
# alphabet, so "sig" and "s i*g" would verify alike: refuse them up front.
_JWS_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")

_JWT_OPTIONS = {
    "require_exp": FLAW != "no-exp-required",
    "require_sub": True,
    # The contract ignores iat, aud, iss, jti whatever their type.
    "verify_iat": False,
    "verify_aud": False,
    "verify_jti": False,
    "leeway": JWT_LEEWAY_SECS,
}


def _numeric_date(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def verify_token(token: str) -> str:
    """The `sub` of a valid HS256 token, or InvalidToken."""
    if len(token.encode()) > MAX_TOKEN_BYTES:
        raise InvalidToken("token too long")
    if not _JWS_COMPACT.fullmatch(token):
        raise InvalidToken("not a compact JWS")
    try:
        header = jwt.get_unverified_header(token)
        # RFC 7515 4.1.11: an unknown critical extension must fail; python-jose ignores crit.
        if not isinstance(header, dict) or "crit" in header:
            raise InvalidToken("a crit header, or a header that is not an object")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], options=_JWT_OPTIONS)
    except InvalidToken:
        raise
    except Exception as error:  # every library failure is the token's, and a 401
        raise InvalidToken(f"{type(error).__name__}: {error}") from None
    # python-jose checks exp/nbf with int(), so "exp": "1700000000" would pass.
    for name in ("exp", "nbf"):
        if name in claims and not _numeric_date(claims[name]):
            raise InvalidToken(f"{name} is not an integer NumericDate")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or "\x00" in sub:
        raise InvalidToken("sub is not a non-empty string")
    return sub


class Bearer(HTTPBearer):
    """FastAPI's HTTPBearer (401 + `WWW-Authenticate: Bearer` since 0.122), refusing
    a request with more than one Authorization header first."""

    async def __call__(self, request: Request) -> HTTPAuthorizationCredentials | None:
        if len(request.headers.getlist("authorization")) > 1:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "more than one Authorization header")
        return await super().__call__(request)


class LegacyBearer(Bearer):
    """FLAW legacy-403: HTTPBearer before FastAPI 0.122 answered missing credentials
    with 403 {"detail": "Not authenticated"} and no WWW-Authenticate."""

    def make_not_authenticated_error(self) -> HTTPException:
        return HTTPException(status.HTTP_403_FORBIDDEN, "Not authenticated")


bearer = LegacyBearer() if FLAW == "legacy-403" else Bearer()


def current_user(credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> str:
    try:
        return verify_token(credentials.credentials)
    except InvalidToken as error:
        log.debug("bearer token rejected: %s", error)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Invalid or expired token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None


def not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, "not found")


def caller(user_id: str, sub: Annotated[str, Depends(current_user)]) -> str:
    """The token's user, on their own path. Another user's path is the same 404 as a
    missing task (never 403): nobody learns whether that user exists."""
    if user_id != sub:
        raise not_found()
    return sub


def task_uuid(task_id: str) -> uuid.UUID:
    """An id that is not a UUID names no task: 404, not 422."""
    try:
        return uuid.UUID(task_id)
    except ValueError:
        raise not_found() from None


Caller = Annotated[str, Depends(caller)]
TaskId = Annotated[uuid.UUID, Depends(task_uuid)]


# --- the app -----------------------------------------------------------------------


@asynccontextmanager
async def lifespan(_: FastAPI):
    url = engine.url
    try:
        SQLModel.metadata.create_all(engine)
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        log.error("cannot reach the database %s@%s:%s/%s: %s", url.username, url.host, url.port, url.database, reason)
        raise SystemExit(1) from None
    log.info(
        "fastapi target: shape=%s flaw=%s, table %s on %s:%s/%s",
        SHAPE,
        FLAW or "none",
        Task.__tablename__,
        url.host,
        url.port,
        url.database,
    )
    yield
    engine.dispose()


app = FastAPI(
    title="todo-conformance FastAPI target",
    lifespan=lifespan,
    # The contract's paths are the only routes: no docs, no trailing-slash redirects.
    docs_url=None,
    redoc_url=None,
    openapi_url=None,
    redirect_slashes=False,
)


class BodyLimit:
    """413 for bodies over 64 KiB, announced or streamed."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    too_large = int(value) > self.limit
                except ValueError:
                    too_large = False
                if too_large:
                    response = JSONResponse({"detail": "request body too large"}, status_code=413)
                    return await response(scope, receive, send)
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # FastAPI re-raises an HTTPException from reading the body.
                    raise HTTPException(413, "request body too large")
            return message

        return await self.app(scope, limited_receive, send)


app.add_middleware(BodyLimit)


# Every error body is {"detail": "<text>"} (contract, "Conventions").


def _allowed_methods(scope) -> str:
    """Every method of every route whose path matches (Starlette's 405 names only the
    first such route's), HEAD wherever GET is."""
    methods: set[str] = set()
    for route in app.router.routes:
        if isinstance(route, APIRoute) and route.matches(scope)[0] != Match.NONE:
            methods |= route.methods
    if "GET" in methods:
        methods.add("HEAD")
    return ",".join(sorted(methods))


@app.exception_handler(StarletteHTTPException)
async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = {404: "not found", 405: "method not allowed"}.get(exc.status_code, exc.detail)
    headers = exc.headers
    if exc.status_code == 405:
        headers = {"Allow": _allowed_methods(request.scope)}
    return JSONResponse({"detail": str(detail)}, status_code=exc.status_code, headers=headers)


@app.exception_handler(RequestValidationError)
async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    # FastAPI's default 422 body is a list of objects that echo the input; the
    # contract wants one string, and the input need not come back.
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return JSONResponse({"detail": "; ".join(parts) or "invalid body"}, status_code=422)


@app.exception_handler(OperationalError)
@app.exception_handler(InterfaceError)
@app.exception_handler(PoolTimeoutError)
async def database_unavailable(_: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", type(exc).__name__)
    return JSONResponse({"detail": "Service temporarily unavailable"}, status_code=503)


@app.exception_handler(Exception)
async def internal_error(_: Request, exc: Exception) -> JSONResponse:
    log.error("internal error", exc_info=exc)
    return JSONResponse({"detail": "Internal server error"}, status_code=500)


@app.api_route("/health", methods=["GET", "HEAD"])
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.api_route("/ready", methods=["GET", "HEAD"])
def ready(session: SessionDep) -> dict[str, str]:
    session.exec(text("SELECT 1"))
    return {"status": "ready"}


def _owned(session: Session, user: str, task_id: uuid.UUID) -> Task:
    task = session.exec(select(Task).where(Task.id == task_id, Task.user_id == user)).first()
    if task is None:
        raise not_found()
    return task


@app.api_route("/api/{user_id}/tasks", methods=["GET", "HEAD"], response_model=ListOut)
def list_tasks(user: Caller, session: SessionDep):
    tasks = session.exec(select(Task).where(Task.user_id == user).order_by(Task.created_at, Task.id)).all()
    items = [present(task) for task in tasks]
    if WRAPPED:
        return TaskListWrapped(tasks=items, count=len(items))
    return items


@app.post("/api/{user_id}/tasks", response_model=TaskOut, status_code=status.HTTP_201_CREATED)
def create_task(user: Caller, body: TaskCreate, session: SessionDep):
    now = utcnow()
    task = Task(user_id=user, title=body.title, description=body.description, created_at=now, updated_at=now)
    session.add(task)
    session.commit()
    session.refresh(task)
    return present(task)


@app.api_route("/api/{user_id}/tasks/{task_id}", methods=["GET", "HEAD"], response_model=TaskOut)
def get_task(user: Caller, task_id: TaskId, session: SessionDep):
    return present(_owned(session, user, task_id))


@app.put("/api/{user_id}/tasks/{task_id}", response_model=TaskOut)
def update_task(user: Caller, task_id: TaskId, body: UpdateIn, session: SessionDep):
    task = _owned(session, user, task_id)
    task.title = body.title
    if "description" in body.model_fields_set:
        task.description = body.description
    if WRAPPED:
        if body.status is not None:
            task.completed = body.status == "done"
    elif body.completed is not None:
        task.completed = body.completed
    task.updated_at = utcnow()
    session.add(task)
    session.commit()
    session.refresh(task)
    return present(task)


@app.patch("/api/{user_id}/tasks/{task_id}/complete", response_model=TaskOut)
def toggle_task(user: Caller, task_id: TaskId, session: SessionDep):
    task = _owned(session, user, task_id)
    task.completed = not task.completed
    task.updated_at = utcnow()
    session.add(task)
    session.commit()
    session.refresh(task)
    return present(task)


@app.delete(
    "/api/{user_id}/tasks/{task_id}",
    status_code=status.HTTP_200_OK if WRAPPED else status.HTTP_204_NO_CONTENT,
    response_model=None,
)
def delete_task(user: Caller, task_id: TaskId, session: SessionDep):
    session.delete(_owned(session, user, task_id))
    session.commit()
    if WRAPPED:
        return {"deleted": True}
    return Response(status_code=status.HTTP_204_NO_CONTENT)
