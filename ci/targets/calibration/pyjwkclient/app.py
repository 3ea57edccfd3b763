"""pyjwkclient: Better Auth's tokens verified with PyJWT's PyJWKClient.

Written from PyJWT's documented way to "Retrieve RSA signing keys from a JWKS
endpoint" (`PyJWKClient(url)`, `get_signing_key_from_jwt`, then `jwt.decode`
with the key, a fixed algorithm list, `audience` and `issuer`), which is where
Better Auth's JWT plugin docs send backends that are not JavaScript: verify
against `/api/auth/jwks`, with `iss` and `aud` the Better Auth URL. The rest is
FastAPI's security tutorial (HTTPBearer, `except` PyJWT's errors, 401) and
SQLModel's FastAPI tutorial with UUID ids, as pyjwt-uuid. PyJWKClient keeps its
defaults. Never adjusted to make todo-conformance pass: see ../README.md.
"""

import os
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jwt import PyJWKClient
from sqlmodel import Field, Session, SQLModel, create_engine, func, select

BETTER_AUTH_URL = os.environ["BETTER_AUTH_URL"].rstrip("/")
# Better Auth signs EdDSA unless its jwks.keyPairConfig says otherwise.
ALGORITHMS = os.environ.get("JWT_ALGORITHMS", "EdDSA").split(",")
jwks_client = PyJWKClient(f"{BETTER_AUTH_URL}/api/auth/jwks")
engine = create_engine(os.environ["DATABASE_URL"])


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TaskBase(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)


class Task(TaskBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: str = Field(index=True)
    completed: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class TaskCreate(TaskBase):
    pass


class TaskUpdate(SQLModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    completed: bool | None = None


class TaskPublic(TaskBase):
    id: uuid.UUID
    user_id: str
    completed: bool
    created_at: datetime
    updated_at: datetime


class Stats(SQLModel):
    total: int
    completed: int
    pending: int


def get_session():
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
bearer = HTTPBearer()


async def get_current_user_id(
    credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)],
) -> str:
    credentials_exception = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )
    try:
        signing_key = jwks_client.get_signing_key_from_jwt(credentials.credentials)
        payload = jwt.decode(
            credentials.credentials,
            signing_key.key,
            algorithms=ALGORITHMS,
            audience=BETTER_AUTH_URL,
            issuer=BETTER_AUTH_URL,
        )
    except jwt.PyJWTError:
        raise credentials_exception
    user_id = payload.get("sub")
    if not user_id:
        raise credentials_exception
    return user_id


CurrentUserId = Annotated[str, Depends(get_current_user_id)]


def owned_task(session: Session, current_user_id: str, user_id: str, task_id: uuid.UUID) -> Task:
    task = session.get(Task, task_id)
    if user_id != current_user_id or task is None or task.user_id != current_user_id:
        raise HTTPException(status_code=404, detail="Task not found")
    return task


def same_user(current_user_id: str, user_id: str) -> None:
    if user_id != current_user_id:
        raise HTTPException(status_code=404, detail="Not found")


@asynccontextmanager
async def lifespan(app: FastAPI):
    SQLModel.metadata.create_all(engine)
    yield


app = FastAPI(title="Tasks API", version="0.1.0", lifespan=lifespan)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/api/me")
def me(current_user_id: CurrentUserId):
    return {"id": current_user_id}


@app.get("/api/{user_id}/tasks", response_model=list[TaskPublic])
def read_tasks(user_id: str, current_user_id: CurrentUserId, session: SessionDep):
    same_user(current_user_id, user_id)
    return session.exec(select(Task).where(Task.user_id == user_id).order_by(Task.created_at)).all()


@app.post("/api/{user_id}/tasks", response_model=TaskPublic, status_code=201)
def create_task(user_id: str, task: TaskCreate, current_user_id: CurrentUserId, session: SessionDep):
    same_user(current_user_id, user_id)
    db_task = Task.model_validate(task, update={"user_id": current_user_id})
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task


@app.get("/api/{user_id}/tasks/stats", response_model=Stats)
def read_stats(user_id: str, current_user_id: CurrentUserId, session: SessionDep):
    same_user(current_user_id, user_id)
    mine = select(func.count()).select_from(Task).where(Task.user_id == user_id)
    total = session.exec(mine).one()
    done = session.exec(mine.where(Task.completed)).one()
    return Stats(total=total, completed=done, pending=total - done)


@app.get("/api/{user_id}/tasks/{task_id}", response_model=TaskPublic)
def read_task(user_id: str, task_id: uuid.UUID, current_user_id: CurrentUserId, session: SessionDep):
    return owned_task(session, current_user_id, user_id, task_id)


@app.put("/api/{user_id}/tasks/{task_id}", response_model=TaskPublic)
def update_task(
    user_id: str, task_id: uuid.UUID, task: TaskUpdate, current_user_id: CurrentUserId, session: SessionDep
):
    db_task = owned_task(session, current_user_id, user_id, task_id)
    db_task.sqlmodel_update(task.model_dump(exclude_unset=True))
    db_task.updated_at = utcnow()
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task


@app.delete("/api/{user_id}/tasks/{task_id}", status_code=204)
def delete_task(user_id: str, task_id: uuid.UUID, current_user_id: CurrentUserId, session: SessionDep):
    session.delete(owned_task(session, current_user_id, user_id, task_id))
    session.commit()
    return Response(status_code=204)


@app.patch("/api/{user_id}/tasks/{task_id}/complete", response_model=TaskPublic)
def toggle_task(user_id: str, task_id: uuid.UUID, current_user_id: CurrentUserId, session: SessionDep):
    db_task = owned_task(session, current_user_id, user_id, task_id)
    db_task.completed = not db_task.completed
    db_task.updated_at = utcnow()
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task
