"""The web page over a company folder: a thin layer over the functions the CLI calls (build,
actions, send, init), with the pack's own stylesheet and no script or style from elsewhere.

    app = create_app(Path("my-company"), token=None)   # served by `report-builder serve`
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from report_builder import __version__
from report_builder.errors import ConfigError, ReportBuilderError
from report_builder.resources import assets_dir, templates_dir
from report_builder.web.company import KINDS, MEDIA_TYPES, Company
from report_builder.web.jobs import Job, JobRunner, SharedCharts
from report_builder.web.present import presented_pack
from report_builder.web.security import (
    AUTH_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    Guard,
    is_loopback,
)
from report_builder.web.setup import Draft
from report_builder.writer import write_atomic

DEFAULT_MAX_UPLOAD = 200 * 1000 * 1000  # bytes
SETUP_FIELDS = 5000  # the setup form: two fields per stage, and a CRM may have hundreds

# our own pages: scripts and styles from this server only, frames of this server only
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "frame-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'; "
            "object-src 'none'")
# a pack or an email shown in a frame: its own inline scripts and styles, nothing fetched, and
# sandboxed (an origin of its own), so nothing the CRM's text holds can reach the page's cookies
PACK_CSP = ("sandbox allow-scripts allow-downloads; default-src 'none'; "
            "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
            "font-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
EMAIL_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
             "frame-ancestors 'self'")


class _Headers:
    """Security headers on every response; the session cookie set on a browser's first visit
    (the CSRF tokens of its forms are made from it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        session = request.cookies.get(SESSION_COOKIE)
        new_session = None if session else Guard.new_session()
        scope.setdefault("state", {})["session"] = session or new_session

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                names = {name.lower() for name, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"same-origin"),
                         (b"cache-control", b"no-store")]
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", PAGE_CSP.encode()))
                if new_session:
                    extra.append((b"set-cookie", _cookie(SESSION_COOKIE, new_session)))
                headers.extend(h for h in extra if h[0] not in names)
            await send(message)

        await self.app(scope, receive, with_headers)


def _cookie(name: str, value: str) -> bytes:
    return f"{name}={value}; Path=/; HttpOnly; SameSite=Strict".encode()


class Page:
    """The routes, over one company folder."""

    def __init__(self, folder: Path, guard: Guard, *, max_upload: int,
                 today: Callable[[], dt.date]) -> None:
        self.company = Company(folder)
        self.guard = guard
        self.max_upload = max_upload
        self.today = today
        self.jobs = JobRunner()
        self.draft: Draft | None = None  # the config being set up from uploaded exports
        self.charts = SharedCharts()
        self.templates = Environment(
            loader=FileSystemLoader(str(templates_dir() / "web")),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True, lstrip_blocks=True)

    # -- plumbing ----------------------------------------------------------------------------
    def render(self, request: Request, name: str, status: int = 200,
               **values: Any) -> HTMLResponse:
        session = request.state.session
        signed_in = self.guard.signed_in(request.cookies.get(AUTH_COOKIE))
        html = self.templates.get_template(name).render(
            csrf_field=CSRF_FIELD, csrf=self.guard.csrf_token(session), version=__version__,
            company=self.company, company_name=self._company_name(values, signed_in),
            job=self.jobs.latest, signed_in=signed_in, **values)
        return HTMLResponse(html, status_code=status)

    def _company_name(self, values: dict[str, Any], signed_in: bool) -> str:
        """The masthead's name: the company's, else the folder's; nothing of either before a
        sign-in."""
        if not signed_in:
            return "report-builder"
        config = values.get("config")
        if config is None and signed_in and self.company.has_config():
            with contextlib.suppress(ReportBuilderError):
                config = self.company.config()
        return config.company.name if config is not None else self.company.folder.name

    async def form(self, request: Request, *, max_fields: int = 50) -> FormData:
        """The posted form, refused (403) without this browser's CSRF token."""
        form = await request.form(max_files=0, max_fields=max_fields)
        given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        if not self.guard.csrf_ok(request.state.session, given if isinstance(given, str)
                                  else None):
            raise HTTPException(403, "This form is out of date or did not come from this page "
                                     "(its security token is missing or wrong). Reload the "
                                     "page and send it again.")
        return form

    def must_sign_in(self, request: Request) -> Response | None:
        if self.guard.signed_in(request.cookies.get(AUTH_COOKIE)):
            return None
        if request.method == "GET":
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        raise HTTPException(401, "Sign in first.")

    async def pack_css(self, request: Request) -> Response:
        """The pack's own stylesheet (its colours from theme.json), for the page around it."""
        from report_builder.theme import load_theme

        css = load_theme().css_variables() + (assets_dir() / "theme.css").read_text("utf-8")
        return Response(css, media_type="text/css")

    # -- sign-in -----------------------------------------------------------------------------
    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            return self.render(request, "login.html", next=_local(request.query_params.get(
                "next")))
        form = await self.form(request)
        given = form.get("token")
        if not isinstance(given, str) or not self.guard.token_matches(given):
            return self.render(request, "login.html", status=401, next=_local(form.get("next")),
                               error="That is not the token this server was started with.")
        response = RedirectResponse(_local(form.get("next")), status_code=303)
        if self.guard.needs_sign_in:
            response.raw_headers.append((b"set-cookie",
                                         _cookie(AUTH_COOKIE, self.guard.auth_cookie())))
        return response

    # -- the home page: build, earlier packs -------------------------------------------------
    async def home(self, request: Request) -> Response:
        if (refused := self.must_sign_in(request)) is not None:
            return refused
        if not self.company.has_config():
            return self.render(request, "setup.html", max_upload=self.max_upload)
        try:
            config = self.company.config()
        except ConfigError as exc:
            return self.render(request, "config_error.html", status=200, error=str(exc))
        from report_builder.build import meeting_date

        return self.render(
            request, "home.html", config=config, packs=self.company.packs(config),
            as_of=meeting_date(config, None, self.today()), kinds=KINDS,
            formats=[k for k in KINDS if k != "eml"], chosen=set(config.output.formats))

    async def start_build(self, request: Request) -> Response:
        self.must_sign_in(request)
        form = await self.form(request)
        config = self.company.config()
        as_of = _date_field(form, "as_of")
        formats = [f for f in form.getlist("formats") if f in KINDS and f != "eml"]
        if not formats:
            raise HTTPException(400, "Choose at least one format.")
        charts = self.charts

        def work(progress: Callable[[str], None]) -> Any:
            from report_builder.build import build
            from report_builder.errors import ChartExportError

            exporter = charts.get() if "pdf" in formats else None
            try:
                return build(self.company.config(), as_of=as_of, formats=formats,
                             out_dir=config.output.out_dir, progress=progress, charts=exporter)
            except ChartExportError:
                charts.discard()
                raise

        job, _ = self.jobs.start("build", f"the pack for {as_of.isoformat()}", work)
        return RedirectResponse(f"/jobs/{job.job_id}", status_code=303)

    # -- jobs --------------------------------------------------------------------------------
    def _job(self, request: Request) -> Job:
        job = self.jobs.get(request.path_params["job_id"])
        if job is None:
            raise HTTPException(404, "That run is not the latest one; start it again.")
        return job

    async def job_page(self, request: Request) -> Response:
        if (refused := self.must_sign_in(request)) is not None:
            return refused
        job = self._job(request)
        return self.render(request, "job.html", shown=job, outcome=_outcome(job))

    async def job_status(self, request: Request) -> Response:
        self.must_sign_in(request)
        job = self._job(request)
        return JSONResponse({**job.status(), "outcome": _outcome(job)})

    # -- a pack ------------------------------------------------------------------------------
    def _pack(self, request: Request) -> tuple[Any, dt.date]:
        config = self.company.config()
        try:
            as_of = dt.date.fromisoformat(request.path_params["as_of"])
        except ValueError:
            raise HTTPException(404, "No such meeting.") from None
        if self.company.pack_file(config, as_of, "html") is None and not any(
                self.company.pack_file(config, as_of, k) for k in KINDS):
            raise HTTPException(404, f"No pack was built for {as_of.isoformat()}.")
        return config, as_of

    async def pack_page(self, request: Request) -> Response:
        if (refused := self.must_sign_in(request)) is not None:
            return refused
        config, as_of = self._pack(request)
        pack = next(p for p in self.company.packs(config) if p.as_of == as_of)
        return self.render(request, "pack.html", config=config, pack=pack,
                           **self._actions(config))

    async def pack_file(self, request: Request) -> Response:
        if (refused := self.must_sign_in(request)) is not None:
            return refused
        config, as_of = self._pack(request)
        kind = request.path_params["kind"]
        path = self.company.pack_file(config, as_of, kind)
        if path is None:
            raise HTTPException(404, f"The pack for {as_of.isoformat()} has no {kind} file.")
        if kind == "html":
            return FileResponse(path, media_type="text/html; charset=utf-8",
                                headers={"content-security-policy": PACK_CSP})
        return FileResponse(path, media_type=MEDIA_TYPES[kind], filename=path.name)

    async def present_frame(self, request: Request) -> Response:
        """The HTML pack with the present mode's script: one point at a time."""
        if (refused := self.must_sign_in(request)) is not None:
            return refused
        config, as_of = self._pack(request)
        path = self.company.pack_file(config, as_of, "html")
        if path is None:
            raise HTTPException(404, f"The pack for {as_of.isoformat()} has no HTML file.")
        return HTMLResponse(presented_pack(path.read_bytes()),
                            headers={"content-security-policy": PACK_CSP})

    async def present(self, request: Request) -> Response:
        if (refused := self.must_sign_in(request)) is not None:
            return refused
        config, as_of = self._pack(request)
        return self.render(request, "present.html", config=config, as_of=as_of,
                           **self._actions(config))

    # -- actions -----------------------------------------------------------------------------
    def _actions(self, config: Any) -> dict[str, Any]:
        from report_builder.actions.commands import list_actions

        try:
            label, actions = list_actions(config)
        except ReportBuilderError as exc:
            return {"actions": [], "actions_where": None, "actions_error": str(exc)}
        return {"actions": [a for a in actions if a.status == "open"], "actions_where": label,
                "actions_error": None, "today": self.today()}

    async def add_action(self, request: Request) -> Response:
        from report_builder.actions.commands import add_action

        self.must_sign_in(request)
        form = await self.form(request)
        action_id, _ = add_action(
            self.company.config(), text=_text(form, "text"), owner=_text(form, "owner"),
            team=_text(form, "team"), due=_date_field(form, "due"), agreed_on=self.today())
        return RedirectResponse(_local(form.get("next"), f"#{action_id}"), status_code=303)

    async def close_action(self, request: Request) -> Response:
        from report_builder.actions.commands import close_action

        self.must_sign_in(request)
        form = await self.form(request)
        status = _text(form, "status") if form.get("status") else "done"
        close_action(self.company.config(), _text(form, "action_id"), on=self.today(),
                     status=status)
        return RedirectResponse(_local(form.get("next")), status_code=303)

    # -- email -------------------------------------------------------------------------------
    async def send_page(self, request: Request) -> Response:
        if (refused := self.must_sign_in(request)) is not None:
            return refused
        config = self.company.config()
        from report_builder.build import meeting_date

        return self.render(request, "send.html", config=config,
                           as_of=meeting_date(config, None, self.today()))

    async def start_send(self, request: Request) -> Response:
        from report_builder.delivery.send import send_pack

        self.must_sign_in(request)
        form = await self.form(request)
        config = self.company.config()
        dry_run = form.get("mode") != "send"
        force = form.get("force") == "yes"
        as_of = _date_field(form, "as_of")
        today = self.today()

        def work(progress: Callable[[str], None]) -> Any:
            return send_pack(config, today=today, as_of=as_of, dry_run=dry_run, force=force,
                             progress=progress)

        kind, label = ("preview", "the email preview") if dry_run else ("send", "sending")
        job, _ = self.jobs.start(kind, f"{label} for {as_of.isoformat()}", work)
        return RedirectResponse(f"/jobs/{job.job_id}", status_code=303)

    async def email_body(self, request: Request) -> Response:
        """The HTML part of a previewed message, as the recipient's mail program shows it."""
        self.must_sign_in(request)
        job = self._job(request)
        eml = getattr(job.result, "eml", None)
        if eml is None:
            raise HTTPException(404, "This run wrote no email.")
        message = email.message_from_bytes(Path(eml).read_bytes(), policy=email.policy.default)
        part = message.get_body(("html", "plain"))  # type: ignore[attr-defined]
        body = part.get_content() if part is not None else ""
        if part is not None and part.get_content_type() == "text/plain":
            from markupsafe import escape

            body = f"<pre>{escape(body)}</pre>"
        return HTMLResponse(body, headers={"content-security-policy": EMAIL_CSP})

    # -- a new company -----------------------------------------------------------------------
    def _new_company_only(self) -> None:
        if self.company.has_config():
            raise HTTPException(409, f"{self.company.config_path} exists already: edit it, or "
                                     "serve an empty folder to set up another company.")

    async def upload(self, request: Request) -> Response:
        """The exports dropped on the page, saved inside the folder; then inspect's config as
        a form."""
        from report_builder.web.setup import MAX_FILES, inspect_batch, save_uploads

        self.must_sign_in(request)
        self._new_company_only()
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            raise HTTPException(411, "The upload must say its length.")
        if int(length) > self.max_upload + 1_000_000:  # the form's other fields allowed for
            raise HTTPException(413, f"The upload is larger than {self.max_upload // 1_000_000}"
                                     " MB (serve --max-upload sets the limit).")
        form = await request.form(max_files=MAX_FILES + 1, max_fields=10)
        try:
            given = form.get(CSRF_FIELD)
            if not self.guard.csrf_ok(request.state.session,
                                      given if isinstance(given, str) else None):
                raise HTTPException(403, "This form is out of date or did not come from this "
                                         "page. Reload the page and send it again.")
            files = [(f.filename or "", f.file) for f in form.getlist("exports")
                     if not isinstance(f, str)]
            batch = save_uploads(self.company.folder, files, limit=self.max_upload)
        finally:
            await form.close()
        try:
            self.draft = inspect_batch(self.company.folder, batch, today=self.today())
        except ReportBuilderError:
            shutil.rmtree(batch, ignore_errors=True)  # an upload that cannot be used is not kept
            raise
        return RedirectResponse("/setup", status_code=303)

    async def setup_form(self, request: Request) -> Response:
        if (refused := self.must_sign_in(request)) is not None:
            return refused
        if self.draft is None or self.company.has_config():
            return RedirectResponse("/", status_code=303)
        return self._setup_page(request, {}, [])

    def _setup_page(self, request: Request, by_field: dict[str, list[str]],
                    rest: list[str], status: int = 200,
                    found_stages: str | None = None) -> Response:
        from report_builder.web.setup import LOCALES, STEPS

        assert self.draft is not None
        return self.render(request, "mapping.html", status=status, draft=self.draft,
                           by_field=by_field, rest=rest, steps=STEPS, locales=LOCALES,
                           found_stages=found_stages)

    async def save_setup(self, request: Request) -> Response:
        """The form's answers into inspect's report.toml; written only when the config and
        the data check out, else the form again with every problem by its field."""
        from report_builder.web.setup import check

        self.must_sign_in(request)
        self._new_company_only()
        form = await self.form(request, max_fields=SETUP_FIELDS)
        if self.draft is None:
            return RedirectResponse("/", status_code=303)
        answers = {k: v for k, v in form.items() if isinstance(v, str)}
        self.draft.apply(answers)
        column = self.draft.stages_to_find(self.company.folder)
        if column is not None:  # the stages just found are for the user to check first
            return self._setup_page(request, {}, [], found_stages=column)
        if column_problems := self.draft.column_problems():
            return self._setup_page(request, *self.draft.place(column_problems), status=422)
        made = self.draft.add_actions_table(self.company.folder)
        problems = check(self.draft, self.company.folder, today=self.today())
        if problems:
            if made is not None:
                made.unlink(missing_ok=True)
            by_field, rest = self.draft.place(problems)
            return self._setup_page(request, by_field, rest, status=422)
        write_atomic(self.company.config_path, self.draft.text().encode("utf-8"))
        self.draft = None
        return RedirectResponse("/", status_code=303)

    async def start_from_workbook(self, request: Request) -> Response:
        from report_builder.starter import init_company

        self.must_sign_in(request)
        self._new_company_only()
        form = await self.form(request)
        init_company(self.company.folder, company=_text(form, "company"),
                     currency=_text(form, "currency"), locale=_text(form, "locale"),
                     fmt="xlsx", today=self.today())
        return RedirectResponse("/", status_code=303)


def _outcome(job: Job) -> dict[str, Any] | None:
    """What the page shows once a job is done: the pack's link, or what the email did."""
    if not job.done or job.error is not None:
        return None
    result = job.result
    if job.kind == "build":
        return {"pack": f"/packs/{result.agenda.as_of.isoformat()}"}
    out: dict[str, Any] = {"status": result.status, "meeting": result.due.meeting.isoformat(),
                           "recipients": list(result.recipients),
                           "message_id": result.message_id,
                           "refused": dict(result.refused)}
    if result.previous is not None:
        out["previous"] = {"sent_at": f"{result.previous.sent_at.astimezone():%Y-%m-%d %H:%M}",
                           "recipients": list(result.previous.recipients)}
    if result.eml is not None:
        out["email"] = f"/jobs/{job.job_id}/email"
        message = email.message_from_bytes(Path(result.eml).read_bytes(),
                                           policy=email.policy.default)
        out["subject"] = str(message["Subject"])
        out["to"] = str(message["To"])
        out["cc"] = str(message["Cc"] or "")
        out["attachments"] = [part.get_filename() for part in message.iter_attachments()]
    if result.files:
        out["pack"] = f"/packs/{result.due.meeting.isoformat()}"
    return out


def _local(target: object, suffix: str = "") -> str:
    """A redirect target of this site only: a path, never `//host` or a URL."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target:
        return target + suffix
    return "/" + suffix


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        raise HTTPException(400, f"The form has no {name!r}.")
    return value


def _date_field(form: FormData, name: str) -> dt.date:
    value = _text(form, name)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: {value!r} is not a date like 2026-11-24.") from None


def create_app(folder: Path, *, token: str | None = None, host: str = "127.0.0.1",
               max_upload: int = DEFAULT_MAX_UPLOAD,
               today: Callable[[], dt.date] = dt.date.today) -> Starlette:
    """The page over `folder`; on another `host` than loopback a `token` is required."""
    if not is_loopback(host) and not token:
        raise ValueError("a token is required to serve on an address other than loopback")
    guard = Guard(token)
    page = Page(folder.resolve(), guard, max_upload=max_upload, today=today)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        page.jobs.wait(timeout=60)  # a build under way finishes (its files are written whole)
        page.charts.close()

    routes = [
        Route("/", page.home),
        Route("/pack.css", page.pack_css),
        Route("/login", page.login, methods=["GET", "POST"]),
        Route("/build", page.start_build, methods=["POST"]),
        Route("/jobs/{job_id}", page.job_page),
        Route("/jobs/{job_id}/status", page.job_status),
        Route("/jobs/{job_id}/email", page.email_body),
        Route("/packs/{as_of}", page.pack_page),
        Route("/packs/{as_of}/present", page.present_frame),
        Route("/packs/{as_of}/{kind}", page.pack_file),
        Route("/present/{as_of}", page.present),
        Route("/actions/add", page.add_action, methods=["POST"]),
        Route("/actions/close", page.close_action, methods=["POST"]),
        Route("/send", page.send_page),
        Route("/send", page.start_send, methods=["POST"]),
        Route("/setup/workbook", page.start_from_workbook, methods=["POST"]),
        Route("/setup/upload", page.upload, methods=["POST"]),
        Route("/setup", page.setup_form),
        Route("/setup", page.save_setup, methods=["POST"]),
        Mount("/static", StaticFiles(directory=assets_dir() / "web"), name="static"),
    ]
    # without a token, only loopback names: a site that points its own name at 127.0.0.1
    # (DNS rebinding) gets nothing; with one, any name (a proxy's), the sign-in guards it
    hosts = ["127.0.0.1", "localhost", "[::1]", "::1"] if token is None else ["*"]

    async def error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            status, message = exc.status_code, str(exc.detail)
        else:
            status, message = 400, str(exc)
        return page.render(request, "error.html", status=status, message=message)

    app = Starlette(
        routes=routes, lifespan=lifespan,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
                    Middleware(_Headers)],
        exception_handlers={HTTPException: error, ReportBuilderError: error})
    app.state.page = page
    return app
