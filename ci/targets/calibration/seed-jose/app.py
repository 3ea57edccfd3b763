"""seed-jose: the seed plan as written.

FastAPI + SQLModel (integer ids) + python-jose, HTTPBearer, the user in the
path (`/api/{user_id}/tasks`) compared with the token's `sub`. Written from
FastAPI's security tutorial (with python-jose, as it was before the tutorial
moved to PyJWT), python-jose's `jwt.decode` and SQLModel's FastAPI tutorial.
Never adjusted to make todo-conformance pass: see ../README.md.
"""

import os
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jose import JWTError, jwt
from sqlmodel import Field, Session, SQLModel, create_engine, func, select

BETTER_AUTH_SECRET = os.environ["BETTER_AUTH_SECRET"]
ALGORITHM = "HS256"
engine = create_engine(os.environ["DATABASE_URL"])


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TaskBase(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)


class Task(TaskBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(index=True)
    completed: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class TaskCreate(TaskBase):
    pass


class TaskUpdate(TaskBase):
    completed: bool | None = None


class TaskPublic(TaskBase):
    id: int
    user_id: str
    completed: bool
    created_at: datetime
    updated_at: datetime


def get_session():
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
security = HTTPBearer()


def get_current_user(credentials: Annotated[HTTPAuthorizationCredentials, Depends(security)]) -> str:
    credentials_exception = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )
    try:
        payload = jwt.decode(credentials.credentials, BETTER_AUTH_SECRET, algorithms=[ALGORITHM])
    except JWTError:
        raise credentials_exception
    user_id = payload.get("sub")
    if user_id is None:
        raise credentials_exception
    return user_id


CurrentUser = Annotated[str, Depends(get_current_user)]


def check_user(user_id: str, current_user: str) -> None:
    if user_id != current_user:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Not authorized to access these tasks")


def get_own_task(session: Session, user_id: str, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if not task or task.user_id != user_id:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Task not found")
    return task


@asynccontextmanager
async def lifespan(app: FastAPI):
    SQLModel.metadata.create_all(engine)
    yield


app = FastAPI(title="Todo API", lifespan=lifespan)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/api/me")
def read_me(current_user: CurrentUser):
    return {"user_id": current_user}


@app.get("/api/{user_id}/tasks", response_model=list[TaskPublic])
def list_tasks(user_id: str, current_user: CurrentUser, session: SessionDep):
    check_user(user_id, current_user)
    return session.exec(select(Task).where(Task.user_id == user_id).order_by(Task.id)).all()


@app.post("/api/{user_id}/tasks", response_model=TaskPublic, status_code=status.HTTP_201_CREATED)
def create_task(user_id: str, task: TaskCreate, current_user: CurrentUser, session: SessionDep):
    check_user(user_id, current_user)
    db_task = Task.model_validate(task, update={"user_id": user_id})
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task


@app.get("/api/{user_id}/tasks/stats")
def task_stats(user_id: str, current_user: CurrentUser, session: SessionDep):
    check_user(user_id, current_user)
    total = session.exec(select(func.count()).select_from(Task).where(Task.user_id == user_id)).one()
    done = session.exec(
        select(func.count()).select_from(Task).where(Task.user_id == user_id, Task.completed)
    ).one()
    return {"total": total, "completed": done, "pending": total - done}


@app.get("/api/{user_id}/tasks/{task_id}", response_model=TaskPublic)
def get_task(user_id: str, task_id: int, current_user: CurrentUser, session: SessionDep):
    check_user(user_id, current_user)
    return get_own_task(session, user_id, task_id)


@app.put("/api/{user_id}/tasks/{task_id}", response_model=TaskPublic)
def update_task(user_id: str, task_id: int, task: TaskUpdate, current_user: CurrentUser, session: SessionDep):
    check_user(user_id, current_user)
    db_task = get_own_task(session, user_id, task_id)
    db_task.sqlmodel_update(task.model_dump(exclude_unset=True))
    db_task.updated_at = utcnow()
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task


@app.delete("/api/{user_id}/tasks/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_task(user_id: str, task_id: int, current_user: CurrentUser, session: SessionDep):
    check_user(user_id, current_user)
    session.delete(get_own_task(session, user_id, task_id))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@app.patch("/api/{user_id}/tasks/{task_id}/complete", response_model=TaskPublic)
def toggle_complete(user_id: str, task_id: int, current_user: CurrentUser, session: SessionDep):
    check_user(user_id, current_user)
    db_task = get_own_task(session, user_id, task_id)
    db_task.completed = not db_task.completed
    db_task.updated_at = utcnow()
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task
