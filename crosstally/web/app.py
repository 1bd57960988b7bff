"""`crosstally serve`: the report's views and more (claimants, search, filters, pagination) as a local
web app over a database opened read-only. Every page has a JSON twin at the same path plus `.json`,
rendering the same dict; /openapi.json describes them all."""
from __future__ import annotations

import hmac
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import AfterValidator
from starlette.exceptions import HTTPException

from crosstally import __version__
from crosstally.model import Measure
from crosstally.web import schema, views
from crosstally.web.render import AppLinks, environment, stylesheet

# Nothing from an article can run: no script at all, styles only from our own stylesheet.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
MAX_PAGE = 1_000_000
MAX_ID = 2**62  # beyond SQLite's integers a conflict id cannot exist

Page = Annotated[int, Query(ge=1, le=MAX_PAGE, alias="page", description="page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=500, description="rows per page")]


def _calendar_day(day: str | None) -> str | None:
    if day is not None:
        date.fromisoformat(day)  # a ValueError ("day is out of range for month") becomes a 422
    return day


# A day is written YYYY-MM-DD and nothing else: no timestamps, no times.
Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"},
                                  description="ISO day (YYYY-MM-DD), inclusive"),
                AfterValidator(_calendar_day)]


def get_db(request: Request) -> Iterator:
    """A read-only connection for one request; no two requests ever share a connection."""
    db = request.app.state.connect()
    try:
        yield db
    finally:
        db.close()


Db = Annotated[object, Depends(get_db)]


def _wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def _connector(target: str) -> Callable[[], object]:
    """How each request opens the database read-only: a SQLite file or a postgresql:// URL."""
    from crosstally.store import is_postgres_url

    if is_postgres_url(target):
        from crosstally.store import postgres

        return partial(postgres.connect, target, read_only=True)
    from crosstally.store import sqlite

    # FastAPI may open the connection in one worker thread and run the view in another.
    return partial(sqlite.connect, target, read_only=True, threads=True)


MIN_TOKEN = 16  # characters; `python -c "import secrets; print(secrets.token_urlsafe())"` makes 43
TOKEN_COOKIE = "crosstally_token"


def check_token(token: str) -> str:
    if len(token) < MIN_TOKEN or not token.isprintable() or token != token.strip():
        raise ValueError(f"a token must be at least {MIN_TOKEN} printable characters, with no spaces around it")
    return token


def _given_token(request: Request) -> str | None:
    """The token a request presents: `Authorization: Bearer ...`, else the cookie a link with
    ?token=... set, else that query parameter."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials.strip()
    return request.cookies.get(TOKEN_COOKIE) or request.query_params.get("token")


def _same(given: str | None, token: str) -> bool:
    # Constant time: how long the comparison takes says nothing of how much of the token was right.
    return given is not None and hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def create_app(db_path: str, token: str | None = None) -> FastAPI:
    """The app over one database (a SQLite file or a postgresql:// URL); the database is checked
    now, so a bad path fails before serving. With `token`, every request must present it (see
    `_given_token`); the stylesheet alone is public, so the page that asks for it has its style."""
    if token is not None:
        check_token(token)
    views.open_db(db_path).close()
    app = FastAPI(title="crosstally", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json",
                  description="Reported figures, their claimants and where sources disagree. Every HTML page "
                              "has a JSON twin at the same path plus .json.")
    app.state.connect = _connector(db_path)
    env = environment()
    links = AppLinks()

    def page(request: Request, template: str, **context) -> HTMLResponse:
        def page_url(n: int) -> str:
            query = dict(parse_qsl(request.url.query))
            query["page"] = str(n)
            return f"{request.url.path}?{urlencode(query)}"

        html = env.get_template(template).render(links=links, page_url=page_url,
                                                 q=request.query_params.get("q"), **context)
        return HTMLResponse(html)

    @app.middleware("http")
    async def every_request(request: Request, call_next):
        """The token, then the query's shape, then the view; the security headers on every response."""
        response = await guarded(request, call_next)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if token is not None:
            response.headers["Cache-Control"] = "no-store"  # nothing behind the token kept by shared caches
        return response

    async def guarded(request: Request, call_next) -> Response:
        if token is not None and request.url.path != "/static/style.css":
            if not _same(_given_token(request), token):
                response = problem(request, 401, "token required",
                                   "this server asks for its token: send Authorization: Bearer TOKEN, or open "
                                   "a link with ?token=TOKEN once")
                response.headers["WWW-Authenticate"] = 'Bearer realm="crosstally"'
                return response
            if "token" in request.query_params:
                # The token leaves the address bar (and history) at once, and lives on in a cookie.
                kept = [(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True) if k != "token"]
                # One leading slash: "//host/..." would send the browser to another site.
                path = "/" + request.url.path.lstrip("/")
                response = RedirectResponse(path + (f"?{urlencode(kept)}" if kept else ""), 303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict",
                                    secure=request.url.scheme == "https")
                return response
        return await params(request, call_next)

    async def params(request: Request, call_next) -> Response:
        # An HTML form sends an unset filter as `name=`: on a page that means "any", as if it were
        # absent. The JSON API takes its parameters exactly as its schema says.
        pairs = parse_qsl(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        repeated = sorted(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
        if repeated:  # every parameter takes one value; which of several was meant is anyone's guess
            return problem(request, 422, "invalid parameter", f"{', '.join(repeated)}: given more than once")
        if not _wants_json(request):
            kept = [(k, v) for k, v in pairs if v != ""]
            request.scope["query_string"] = urlencode(kept).encode("latin-1")
        return await call_next(request)

    def problem(request: Request, status: int, title: str, detail: str) -> Response:
        if _wants_json(request) or request.url.path == "/openapi.json":
            return JSONResponse({"status": status, "title": title, "detail": detail}, status_code=status)
        html = env.get_template("error.html").render(links=links, status=status, title=title, message=detail)
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(views.NotFound)
    async def not_found(request: Request, e: views.NotFound) -> Response:
        return problem(request, 404, "not found", str(e))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, e: RequestValidationError) -> Response:
        detail = "; ".join(f"{'.'.join(str(p) for p in err['loc'][1:]) or err['loc'][0]}: {err['msg']}"
                           for err in e.errors())
        return problem(request, 422, "invalid parameter", detail)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, e: HTTPException) -> Response:
        return problem(request, e.status_code, "not found" if e.status_code == 404 else "error", str(e.detail))

    errors = {404: {"model": schema.Problem, "description": "no such item"},
              422: {"model": schema.Problem, "description": "a parameter is invalid"}}

    def twin(path: str, model, summary: str):
        """Register a view's JSON twin (`path.json`, in the OpenAPI description) and its page (`path`)."""
        json_path = "/index.json" if path == "/" else f"{path}.json"

        def register(view):
            app.get(json_path, response_model=model, summary=summary, responses=errors,
                    operation_id=view.__name__)(view)
            return view

        return register

    @app.get("/static/style.css", include_in_schema=False)
    def css() -> Response:
        return Response(stylesheet(), media_type="text/css")

    # --- JSON twins: each returns the dict its page renders. Registered before the pages, so that
    # "/stories/S1.json" is the twin and not a story called "S1.json".

    @twin("/", schema.Overview, "Totals, the first conflicts and the stories")
    def overview_json(db: Db) -> dict:
        return views.overview(db)

    @twin("/stories", schema.Page[schema.StorySummary], "Stories, those with conflicts first")
    def stories_json(db: Db, page_: Page = 1, per_page: PerPage = views.PER_PAGE) -> dict:
        return views.stories(db, page_, per_page)

    @twin("/stories/{story_id}", schema.Story, "A story: conflicts, quantities with each claimant's figure, "
                                               "timelines, claimants, articles")
    def story_json(db: Db, story_id: str) -> dict:
        return views.story(db, story_id)

    @twin("/slots/{slot_id}", schema.Slot, "One quantity: each claimant's figure, its conflicts, every mention")
    def slot_json(db: Db, slot_id: str) -> dict:
        return views.slot(db, slot_id)

    @twin("/conflicts", schema.Page[schema.Conflict], "Conflicts: disputes, then inconsistencies, then discrepancies")
    def conflicts_json(db: Db, kind: schema.Kind | None = None,
                       measure: Measure | None = None, story: str | None = None, page_: Page = 1,
                       per_page: PerPage = views.PER_PAGE) -> dict:
        return views.conflicts(db, kind, story, measure.value if measure else None, page_, per_page)

    @twin("/conflicts/{conflict_id}", schema.Conflict, "One conflict with both sentences")
    def conflict_json(db: Db, conflict_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> dict:
        return views.conflict(db, conflict_id)

    @twin("/articles", schema.Page[schema.ArticleSummary], "Articles, filtered by outlet, story and day")
    def articles_json(db: Db, outlet: str | None = None, story: str | None = None, date_from: Day = None,
                      date_to: Day = None, page_: Page = 1, per_page: PerPage = views.PER_PAGE) -> dict:
        return views.articles(db, outlet, story, date_from, date_to, page_, per_page)

    @twin("/articles/{article_id}", schema.Article, "An article's text with every figure's offsets")
    def article_json(db: Db, article_id: str) -> dict:
        return views.article(db, article_id)

    @twin("/claims", schema.Page[schema.Claim], "Figures, filtered by measure, claimant, outlet, story and day")
    def claims_json(db: Db, measure: Measure | None = None, claimant: str | None = None, outlet: str | None = None,
                    story: str | None = None, date_from: Day = None, date_to: Day = None, page_: Page = 1,
                    per_page: PerPage = views.PER_PAGE) -> dict:
        where = views.ClaimFilter(measure.value if measure else None, claimant, outlet, story,
                                  date_from, date_to)
        return views.claims(db, where, page_, per_page)

    @twin("/claimants/{name:path}", schema.Claimant, "Everything one claimant is reported to have said, over time")
    def claimant_json(db: Db, name: str) -> dict:
        return views.claimant(db, name)

    @twin("/search", schema.Search, "Full-text search over articles and figures")
    def search_json(db: Db, q: Annotated[str, Query(min_length=1, max_length=500, description="words to find")],
                    page_: Page = 1, per_page: PerPage = views.PER_PAGE) -> dict:
        return views.search(db, q, page_, per_page)

    # --- Pages: the same views rendered.

    @app.get("/", include_in_schema=False)
    def index(request: Request, db: Db) -> Response:
        return page(request, "index.html", **overview_json(db))

    @app.get("/stories", include_in_schema=False)
    def stories_page(request: Request, db: Db, page_: Page = 1,
                     per_page: PerPage = views.PER_PAGE) -> Response:
        return page(request, "stories.html", page=stories_json(db, page_, per_page))

    @app.get("/stories/{story_id}", include_in_schema=False)
    def story_page(request: Request, db: Db, story_id: str) -> Response:
        return page(request, "story.html", s=story_json(db, story_id))

    @app.get("/slots/{slot_id}", include_in_schema=False)
    def slot_page(request: Request, db: Db, slot_id: str) -> Response:
        return page(request, "slot.html", s=slot_json(db, slot_id))

    @app.get("/conflicts", include_in_schema=False)
    def conflicts_page(request: Request, db: Db, kind: schema.Kind | None = None,
                       measure: Measure | None = None, story: str | None = None,
                       page_: Page = 1, per_page: PerPage = views.PER_PAGE) -> Response:
        result = conflicts_json(db, kind, measure, story, page_, per_page)
        return page(request, "conflicts.html", page=result, kinds=views.KINDS, facets=views.facets(db),
                    params={"kind": kind, "measure": measure.value if measure else None, "story": story})

    @app.get("/conflicts/{conflict_id}", include_in_schema=False)
    def conflict_page(request: Request, db: Db, conflict_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> Response:
        return page(request, "conflict.html", c=conflict_json(db, conflict_id))

    @app.get("/articles", include_in_schema=False)
    def articles_page(request: Request, db: Db, outlet: str | None = None, story: str | None = None,
                      date_from: Day = None, date_to: Day = None, page_: Page = 1,
                      per_page: PerPage = views.PER_PAGE) -> Response:
        result = articles_json(db, outlet, story, date_from, date_to, page_, per_page)
        return page(request, "articles.html", page=result, facets=views.facets(db),
                    params={"outlet": outlet, "story": story, "date_from": date_from, "date_to": date_to})

    @app.get("/articles/{article_id}", include_in_schema=False)
    def article_page(request: Request, db: Db, article_id: str) -> Response:
        return page(request, "article.html", a=article_json(db, article_id))

    @app.get("/claims", include_in_schema=False)
    def claims_page(request: Request, db: Db, measure: Measure | None = None, claimant: str | None = None,
                    outlet: str | None = None, story: str | None = None, date_from: Day = None,
                    date_to: Day = None, page_: Page = 1,
                    per_page: PerPage = views.PER_PAGE) -> Response:
        result = claims_json(db, measure, claimant, outlet, story, date_from, date_to, page_, per_page)
        return page(request, "claims.html", page=result, facets=views.facets(db),
                    params={"measure": measure.value if measure else None, "claimant": claimant, "outlet": outlet,
                            "story": story, "date_from": date_from, "date_to": date_to})

    @app.get("/claimants/{name:path}", include_in_schema=False)
    def claimant_page(request: Request, db: Db, name: str) -> Response:
        return page(request, "claimant.html", k=claimant_json(db, name))

    @app.get("/search", include_in_schema=False)
    def search_page(request: Request, db: Db,
                    q: Annotated[str, Query(min_length=1, max_length=500, description="words to find")],
                    page_: Page = 1, per_page: PerPage = views.PER_PAGE) -> Response:
        return page(request, "search.html", result=search_json(db, q, page_, per_page))

    return app
