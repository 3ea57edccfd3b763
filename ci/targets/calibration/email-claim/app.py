"""email-claim: its own sign-up and login, and the user from `email` when `sub` is absent.

FLAWED, on purpose: `/auth/login` calls the password check but never looks
at its result, so any password logs in to any existing account (an account
takeover for whoever knows an email address). Also as FastAPI's tutorial
writes it, `jwt.decode` does not require `exp`, so a token without one never
expires.

Otherwise written from FastAPI's security tutorial ("OAuth2 with Password
(and hashing), Bearer with JWT tokens": PyJWT, pwdlib with Argon2,
`OAuth2PasswordBearer`, tokens of 30 minutes) with JSON bodies instead of a
form, and SQLModel's FastAPI tutorial (integer ids, a users table with a
unique email). The caller is the token's `sub`, or its `email` for tokens
without one (an older client's tokens carry only `email`). Never adjusted to
make todo-conformance pass: see ../README.md.
"""

import os
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, Response, status
from fastapi.security import OAuth2PasswordBearer
from jwt.exceptions import InvalidTokenError
from pwdlib import PasswordHash
from sqlmodel import Field, Session, SQLModel, create_engine, func, select

SECRET_KEY = os.environ["BETTER_AUTH_SECRET"]
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 30

engine = create_engine(os.environ["DATABASE_URL"])
password_hash = PasswordHash.recommended()
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/login")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True)
    email: str = Field(unique=True, index=True)
    name: str | None = None
    hashed_password: str
    created_at: datetime = Field(default_factory=utcnow)


class SignUp(SQLModel):
    email: str
    password: str = Field(min_length=8, max_length=128)
    name: str | None = None


class Login(SQLModel):
    email: str
    password: str


class UserPublic(SQLModel):
    id: str
    email: str
    name: str | None


class Token(SQLModel):
    access_token: str
    token_type: str
    user: UserPublic


class TaskBase(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)


class Task(TaskBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(index=True)
    completed: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class TaskUpdate(SQLModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    completed: bool | None = None


def get_session():
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def create_access_token(data: dict, expires_delta: timedelta | None = None) -> str:
    to_encode = data.copy()
    expire = utcnow() + (expires_delta or timedelta(minutes=15))
    to_encode.update({"exp": expire})
    return jwt.encode(to_encode, SECRET_KEY, algorithm=ALGORITHM)


def token_for(user: User) -> Token:
    access_token = create_access_token(
        data={"sub": user.id, "email": user.email},
        expires_delta=timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES),
    )
    return Token(access_token=access_token, token_type="bearer", user=UserPublic.model_validate(user))


async def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> str:
    credentials_exception = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
    except InvalidTokenError:
        raise credentials_exception
    user_id = payload.get("sub") or payload.get("email")
    if user_id is None:
        raise credentials_exception
    return user_id


CurrentUser = Annotated[str, Depends(get_current_user)]


def check_access(user_id: str, current_user: str) -> None:
    if user_id != current_user:
        raise HTTPException(status_code=403, detail="You can only access your own tasks")


def get_task_or_404(session: Session, user_id: str, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.user_id != user_id:
        raise HTTPException(status_code=404, detail="Task not found")
    return task


@asynccontextmanager
async def lifespan(app: FastAPI):
    SQLModel.metadata.create_all(engine)
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/auth/signup", response_model=Token, status_code=201)
def signup(body: SignUp, session: SessionDep):
    if session.exec(select(User).where(User.email == body.email)).first():
        raise HTTPException(status_code=400, detail="Email already registered")
    user = User(email=body.email, name=body.name, hashed_password=password_hash.hash(body.password))
    session.add(user)
    session.commit()
    session.refresh(user)
    return token_for(user)


@app.post("/auth/login", response_model=Token)
def login(body: Login, session: SessionDep):
    user = session.exec(select(User).where(User.email == body.email)).first()
    if not user:
        raise HTTPException(status_code=401, detail="Incorrect email or password")
    # The deliberate flaw: the result of the check is thrown away.
    password_hash.verify(body.password, user.hashed_password)
    return token_for(user)


@app.get("/api/me")
def read_me(current_user: CurrentUser, session: SessionDep):
    user = session.get(User, current_user) or session.exec(select(User).where(User.email == current_user)).first()
    if user is None:
        return {"id": current_user}
    return UserPublic.model_validate(user)


@app.get("/api/{user_id}/tasks", response_model=list[Task])
def list_tasks(user_id: str, current_user: CurrentUser, session: SessionDep):
    check_access(user_id, current_user)
    return session.exec(select(Task).where(Task.user_id == user_id).order_by(Task.id)).all()


@app.post("/api/{user_id}/tasks", response_model=Task, status_code=201)
def create_task(user_id: str, task: TaskBase, current_user: CurrentUser, session: SessionDep):
    check_access(user_id, current_user)
    db_task = Task.model_validate(task, update={"user_id": user_id})
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task


@app.get("/api/{user_id}/tasks/stats")
def task_stats(user_id: str, current_user: CurrentUser, session: SessionDep):
    check_access(user_id, current_user)
    total = session.exec(select(func.count()).select_from(Task).where(Task.user_id == user_id)).one()
    done = session.exec(select(func.count()).select_from(Task).where(Task.user_id == user_id, Task.completed)).one()
    return {"total": total, "completed": done, "pending": total - done}


@app.get("/api/{user_id}/tasks/{task_id}", response_model=Task)
def get_task(user_id: str, task_id: int, current_user: CurrentUser, session: SessionDep):
    check_access(user_id, current_user)
    return get_task_or_404(session, user_id, task_id)


@app.put("/api/{user_id}/tasks/{task_id}", response_model=Task)
def update_task(user_id: str, task_id: int, task: TaskUpdate, current_user: CurrentUser, session: SessionDep):
    check_access(user_id, current_user)
    db_task = get_task_or_404(session, user_id, task_id)
    db_task.sqlmodel_update(task.model_dump(exclude_unset=True))
    db_task.updated_at = utcnow()
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task


@app.delete("/api/{user_id}/tasks/{task_id}", status_code=204)
def delete_task(user_id: str, task_id: int, current_user: CurrentUser, session: SessionDep):
    check_access(user_id, current_user)
    session.delete(get_task_or_404(session, user_id, task_id))
    session.commit()
    return Response(status_code=204)


@app.patch("/api/{user_id}/tasks/{task_id}/complete", response_model=Task)
def toggle_task(user_id: str, task_id: int, current_user: CurrentUser, session: SessionDep):
    check_access(user_id, current_user)
    db_task = get_task_or_404(session, user_id, task_id)
    db_task.completed = not db_task.completed
    db_task.updated_at = utcnow()
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return db_task
