"""middleware-auth: the token checked in an `@app.middleware("http")`.

FLAWED, on purpose, as it is written in many tutorials and answers: the
middleware raises `HTTPException` for a missing or refused token. FastAPI's
exception handlers run inside the middleware stack, so nothing turns that
exception into a 401: Starlette's ServerErrorMiddleware answers
500 "Internal Server Error" and uvicorn closes the connection without a
`Connection: close` header. Every refused request is a 5xx.

Otherwise written from FastAPI's "Middleware" tutorial (`@app.middleware("http")`,
`request.state`), PyJWT's `jwt.decode` with `exp` and `sub` required, and
SQLModel's FastAPI tutorial (integer ids). Never adjusted to make
todo-conformance pass: see ../README.md.
"""

import os
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from sqlmodel import Field, Session, SQLModel, create_engine, func, select

JWT_SECRET = os.environ["BETTER_AUTH_SECRET"]
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


class TaskUpdate(SQLModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    completed: bool | None = None


def get_session():
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@asynccontextmanager
async def lifespan(app: FastAPI):
    SQLModel.metadata.create_all(engine)
    yield


app = FastAPI(lifespan=lifespan)


@app.middleware("http")
async def jwt_auth(request: Request, call_next):
    if request.url.path.startswith("/api/"):
        auth_header = request.headers.get("Authorization")
        if not auth_header or not auth_header.startswith("Bearer "):
            raise HTTPException(status_code=401, detail="Missing or invalid Authorization header")
        token = auth_header.split(" ")[1]
        try:
            payload = jwt.decode(token, JWT_SECRET, algorithms=["HS256"], options={"require": ["exp", "sub"]})
        except jwt.PyJWTError:
            raise HTTPException(status_code=401, detail="Invalid or expired token")
        request.state.user_id = payload["sub"]
    return await call_next(request)


def authorize(request: Request, user_id: str) -> None:
    if request.state.user_id != user_id:
        raise HTTPException(status_code=404, detail="Not found")


def get_user_task(session: Session, user_id: str, task_id: int) -> Task:
    task = session.exec(select(Task).where(Task.id == task_id, Task.user_id == user_id)).first()
    if not task:
        raise HTTPException(status_code=404, detail="Task not found")
    return task


@app.get("/health")
def health():
    return {"status": "healthy"}


@app.get("/api/me")
def me(request: Request):
    return {"user_id": request.state.user_id}


@app.get("/api/{user_id}/tasks")
def list_tasks(user_id: str, request: Request, session: SessionDep) -> list[Task]:
    authorize(request, user_id)
    return session.exec(select(Task).where(Task.user_id == user_id)).all()


@app.post("/api/{user_id}/tasks", status_code=201)
def create_task(user_id: str, task: TaskCreate, request: Request, session: SessionDep) -> Task:
    authorize(request, user_id)
    db_task = Task(**task.model_dump(), user_id=user_id)
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task


@app.get("/api/{user_id}/tasks/stats")
def stats(user_id: str, request: Request, session: SessionDep):
    authorize(request, user_id)
    total = session.exec(select(func.count(Task.id)).where(Task.user_id == user_id)).one()
    completed = session.exec(select(func.count(Task.id)).where(Task.user_id == user_id, Task.completed)).one()
    return {"total": total, "completed": completed}


@app.get("/api/{user_id}/tasks/{task_id}")
def get_task(user_id: str, task_id: int, request: Request, session: SessionDep) -> Task:
    authorize(request, user_id)
    return get_user_task(session, user_id, task_id)


@app.put("/api/{user_id}/tasks/{task_id}")
def update_task(user_id: str, task_id: int, data: TaskUpdate, request: Request, session: SessionDep) -> Task:
    authorize(request, user_id)
    task = get_user_task(session, user_id, task_id)
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(task, key, value)
    task.updated_at = utcnow()
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@app.delete("/api/{user_id}/tasks/{task_id}", status_code=204)
def delete_task(user_id: str, task_id: int, request: Request, session: SessionDep):
    authorize(request, user_id)
    session.delete(get_user_task(session, user_id, task_id))
    session.commit()
    return Response(status_code=204)


@app.patch("/api/{user_id}/tasks/{task_id}/complete")
def toggle_complete(user_id: str, task_id: int, request: Request, session: SessionDep) -> Task:
    authorize(request, user_id)
    task = get_user_task(session, user_id, task_id)
    task.completed = not task.completed
    task.updated_at = utcnow()
    session.add(task)
    session.commit()
    session.refresh(task)
    return task
