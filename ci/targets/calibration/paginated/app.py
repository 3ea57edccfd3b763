"""paginated: a wrapped, paginated list and a `status` enum instead of `completed`.

The list is `{"items": [...], "total": N, "limit": 10, "offset": 0}`, newest
first, with `limit` (default 10, at most 100: more is a 422) and `offset`
query parameters, as FastAPI's SQL tutorial pages with `offset`/`limit` and
`Query(le=100)`; an optional `status` filter. A task has
`"status": "open" | "done"`. python-jose verifies tokens with `exp` and `sub`
required (`options={"require_exp": True, "require_sub": True}`), HTTPBearer
reads them, another user's path is a 404. SQLModel with integer ids. Never
adjusted to make todo-conformance pass: see ../README.md.
"""

import os
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jose import JWTError, jwt
from sqlmodel import Field, Session, SQLModel, create_engine, func, select

SECRET = os.environ["BETTER_AUTH_SECRET"]
engine = create_engine(os.environ["DATABASE_URL"])


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TaskStatus(str, Enum):
    open = "open"
    done = "done"


class TaskBase(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)


class Task(TaskBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(index=True)
    status: TaskStatus = Field(default=TaskStatus.open)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class TaskCreate(TaskBase):
    pass


class TaskUpdate(SQLModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    status: TaskStatus | None = None


class TaskPublic(TaskBase):
    id: int
    user_id: str
    status: TaskStatus
    created_at: datetime
    updated_at: datetime


class TaskPage(SQLModel):
    items: list[TaskPublic]
    total: int
    limit: int
    offset: int


def get_session():
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
security = HTTPBearer()


def current_user(credentials: Annotated[HTTPAuthorizationCredentials, Depends(security)]) -> str:
    try:
        payload = jwt.decode(
            credentials.credentials,
            SECRET,
            algorithms=["HS256"],
            options={"require_exp": True, "require_sub": True},
        )
    except JWTError:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Invalid authentication credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return payload["sub"]


CurrentUser = Annotated[str, Depends(current_user)]


def require_owner(user_id: str, user: str) -> None:
    if user_id != user:
        raise HTTPException(status_code=404, detail="Not found")


def load_task(session: Session, user_id: str, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.user_id != user_id:
        raise HTTPException(status_code=404, detail="Task not found")
    return task


@asynccontextmanager
async def lifespan(app: FastAPI):
    SQLModel.metadata.create_all(engine)
    yield


app = FastAPI(title="Todo", lifespan=lifespan)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/api/me")
def me(user: CurrentUser):
    return {"user_id": user}


@app.get("/api/{user_id}/tasks", response_model=TaskPage)
def list_tasks(
    user_id: str,
    user: CurrentUser,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    status: TaskStatus | None = None,
):
    require_owner(user_id, user)
    query = select(Task).where(Task.user_id == user_id)
    if status is not None:
        query = query.where(Task.status == status)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    items = session.exec(query.order_by(Task.created_at.desc()).offset(offset).limit(limit)).all()
    return TaskPage(items=items, total=total, limit=limit, offset=offset)


@app.post("/api/{user_id}/tasks", response_model=TaskPublic, status_code=201)
def create_task(user_id: str, task: TaskCreate, user: CurrentUser, session: SessionDep):
    require_owner(user_id, user)
    db_task = Task.model_validate(task, update={"user_id": user_id})
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task


@app.get("/api/{user_id}/tasks/stats")
def stats(user_id: str, user: CurrentUser, session: SessionDep):
    require_owner(user_id, user)
    rows = session.exec(
        select(Task.status, func.count()).where(Task.user_id == user_id).group_by(Task.status)
    ).all()
    counts = {s.value: 0 for s in TaskStatus} | {row[0].value: row[1] for row in rows}
    return {"total": sum(counts.values()), **counts}


@app.get("/api/{user_id}/tasks/{task_id}", response_model=TaskPublic)
def get_task(user_id: str, task_id: int, user: CurrentUser, session: SessionDep):
    require_owner(user_id, user)
    return load_task(session, user_id, task_id)


@app.put("/api/{user_id}/tasks/{task_id}", response_model=TaskPublic)
def update_task(user_id: str, task_id: int, task: TaskUpdate, user: CurrentUser, session: SessionDep):
    require_owner(user_id, user)
    db_task = load_task(session, user_id, task_id)
    db_task.sqlmodel_update(task.model_dump(exclude_unset=True))
    db_task.updated_at = utcnow()
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task


@app.patch("/api/{user_id}/tasks/{task_id}/complete", response_model=TaskPublic)
def toggle_task(user_id: str, task_id: int, user: CurrentUser, session: SessionDep):
    require_owner(user_id, user)
    db_task = load_task(session, user_id, task_id)
    db_task.status = TaskStatus.open if db_task.status == TaskStatus.done else TaskStatus.done
    db_task.updated_at = utcnow()
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task


@app.delete("/api/{user_id}/tasks/{task_id}", status_code=204)
def delete_task(user_id: str, task_id: int, user: CurrentUser, session: SessionDep):
    require_owner(user_id, user)
    session.delete(load_task(session, user_id, task_id))
    session.commit()
    return Response(status_code=204)
