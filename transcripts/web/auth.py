"""Who is asking: an editor (signed in, or a script with `Authorization: Bearer TOKEN`) or anyone.

Editors share one token (`TRANSCRIPTS_EDITOR_TOKEN`). Signing in sets a session cookie signed with the
secret key (itsdangerous), HttpOnly and SameSite=strict, so no other site can send it along with a request;
it carries a fingerprint of the token, so changing the token signs every editor out. Tokens are compared in
constant time, and failed attempts (form or Bearer) are limited per client address, so guessing is slow.
Anonymous readers see only what is published; anything else answers 404, so an id reveals nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from transcripts.errors import ConfigError

COOKIE = "transcripts_editor"
SESSION_SECONDS = 14 * 24 * 3600
MIN_TOKEN_CHARS = 16
MAX_FAILURES = 5  # failed attempts per client address within FAILURE_WINDOW_S, then 429 until they age out
FAILURE_WINDOW_S = 300.0


class RateLimited(HTTPException):
    def __init__(self, retry_after: int) -> None:
        super().__init__(429, "too many sign-in attempts: wait a few minutes",
                         headers={"Retry-After": str(retry_after)})


@dataclass
class FailureLimiter:
    """Failed attempts per client in a sliding window; thread-safe (sync routes run in a thread pool)."""

    limit: int = MAX_FAILURES
    window: float = FAILURE_WINDOW_S
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, client: str) -> None:
        """Raise RateLimited while `client` has used up its attempts."""
        with self._lock:
            recent = self._recent(client, time.monotonic())
            if len(recent) >= self.limit:
                raise RateLimited(int(recent[0] + self.window - time.monotonic()) + 1)

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client, time.monotonic()).append(time.monotonic())

    def _recent(self, client: str, now: float) -> deque[float]:
        recent = self._failures.setdefault(client, deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if len(self._failures) > 10_000:  # forget idle clients, so the table cannot grow without bound
            for idle in [c for c, q in self._failures.items() if not q and c != client]:
                del self._failures[idle]
        return recent


class EditorAuth:
    def __init__(self, token: str | None, secret_key: str, secure_cookies: bool) -> None:
        if token is not None and len(token) < MIN_TOKEN_CHARS:
            raise ConfigError(f"TRANSCRIPTS_EDITOR_TOKEN: use at least {MIN_TOKEN_CHARS} characters "
                              "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(24))'`)")
        self.token = token
        self.secure_cookies = secure_cookies
        self.limiter = FailureLimiter()
        self._serializer = URLSafeTimedSerializer(secret_key, salt="transcripts.editor-session")
        self._fingerprint = hmac.new(secret_key.encode(), (token or "").encode(), hashlib.sha256).hexdigest()[:32]

    @property
    def enabled(self) -> bool:
        return self.token is not None

    def token_matches(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def is_editor(self, request: Request) -> bool:
        """True for a valid session cookie or Bearer token; a wrong Bearer token is a 401 (and a failure)."""
        cached = request.scope.get("transcripts.editor")
        if cached is not None:
            return bool(cached)
        editor = False
        header = request.headers.get("authorization", "")
        if self.enabled and header[:7].lower() == "bearer ":
            client = client_address(request)
            self.limiter.check(client)
            if not self.token_matches(header[7:].strip()):
                self.limiter.failed(client)
                raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"})
            editor = True
        elif self.enabled and COOKIE in request.cookies:
            editor = self._valid_session(request.cookies[COOKIE])
        request.scope["transcripts.editor"] = editor
        return editor

    def _valid_session(self, cookie: str) -> bool:
        try:
            payload = self._serializer.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return False
        return isinstance(payload, dict) and hmac.compare_digest(str(payload.get("e", "")), self._fingerprint)

    def start_session(self, response: Response) -> None:
        response.set_cookie(COOKIE, self._serializer.dumps({"e": self._fingerprint}), max_age=SESSION_SECONDS,
                            path="/", secure=self.secure_cookies, httponly=True, samesite="strict")

    def end_session(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/", secure=self.secure_cookies, httponly=True, samesite="strict")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def require_visible(request: Request, auth: EditorAuth, public: bool) -> None:
    """404 unless the thing is published or the request comes from an editor: ids reveal nothing."""
    if not public and not auth.is_editor(request):
        raise HTTPException(404, "not found")
