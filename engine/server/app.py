"""The local web app of `imrcheck serve`: two pages and a JSON API with the CLI's contracts.

    app = create_app()                       # the bundled criteria
    app = create_app(criteria_dir=Path(...))  # plus the user's criteria files, as `--criteria`

Every engine call runs on the app's one engine thread (`EngineWorker`): durable-rules is not
thread-safe; a large case goes to its own process (`lanes`) so it never stalls the small ones. Only
requests naming this server in `Host` are answered; bodies are capped (JSON and uploads separately,
and a JSON body's shape: `shape`), implausible values are refused at their field (`plausible`), and
errors never echo case contents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any, get_args

import yaml
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from engine.catalog import load_catalog
from engine.criteria.pack import load_pack
from engine.errors import ImrcheckError, LetterParseError
from engine.evaluate import Evaluator
from engine.models import Case, Region
from engine.server import plausible, questions
from engine.server.cases import check_edition, unknown_treatments
from engine.server.guards import LOOPBACK_HOSTS, BodyLimit, Envelope, HostCheck
from engine.server.lanes import LARGE_CASE, LargeCaseLane, Render, check_json, missing_json_bytes
from engine.server.letters import analyse_letter
from engine.server.pages import PAGES, render
from engine.server.problems import ApiError, ProblemList, install
from engine.server.shape import JsonShape
from engine.server.uploads import read_letter_upload
from engine.server.worker import EngineWorker

MiB = 1024 * 1024
MAX_BODY_BYTES = 1 * MiB  # a case is a few kilobytes
MAX_UPLOAD_BYTES = 20 * MiB  # a letter PDF is a few hundred kilobytes
UPLOAD_PATHS = frozenset({"/api/parse"})

# FastAPI's native OpenTelemetry is switched off in full: nothing about a request may leave the machine,
# even when the environment asks for exporters (FASTAPI_OTEL_AUTO_CONFIGURE).
_NO_TELEMETRY: dict[str, Any] = {
    "tracing": False, "metrics": False, "logs": False, "operation_spans": False, "auto_configure": False,
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ProblemList, "description": text}
    for code, text in ((413, "The body is over the size limit"), (422, "A field is wrong; `loc` is its path"))
}


AsOf = Annotated[dt.date | None, Query(description="Judge as of this date (default: the request date)")]
Edition = Annotated[str | None, Query(description="Judge by this MTUS edition instead of the one in force")]


class Health(BaseModel):
    status: str
    version: str
    criteria_sets: int
    editions: list[str]


class TreatmentEntry(BaseModel):
    id: str
    name: str
    category: str
    names: list[str]


class Vocabulary(BaseModel):
    """What the draft-request form offers: the catalog's treatments and the body regions, and the
    titles the pages show instead of ids (criteria sets by id, criteria by '<set id>/<criterion id>')."""

    treatments: list[TreatmentEntry]
    regions: list[str]
    set_titles: dict[str, str]
    criterion_titles: dict[str, str]


def _version() -> str:
    try:
        return version("imrcheck")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
        return "unknown"


def create_app(evaluator: Evaluator | None = None, criteria_dir: Path | None = None,
               max_body_bytes: int = MAX_BODY_BYTES, max_upload_bytes: int = MAX_UPLOAD_BYTES,
               hosts: Sequence[str] = LOOPBACK_HOSTS) -> FastAPI:
    """The app, with its engine thread and evaluator ready (the criteria are loaded and compiled here).

    `hosts` are the names it answers to (besides the loopback ones): the address it listens on."""
    worker = EngineWorker()
    # Large cases get their own process only when that process can load the same criteria.
    lane = LargeCaseLane(criteria_dir) if evaluator is None else None
    if evaluator is None:
        extra = (criteria_dir,) if criteria_dir is not None else ()
        try:
            evaluator = worker.submit(lambda: Evaluator(load_pack(extra), load_catalog()))
        except BaseException:
            worker.close()
            raise
    engine = evaluator

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        worker.close()
        if lane is not None:
            lane.close()

    app = FastAPI(
        title="imrcheck", version=_version(), lifespan=lifespan, telemetry=_NO_TELEMETRY,  # type: ignore[arg-type]
        description="Predict and explain California workers' compensation IMR decisions (local use only).",
        # The interactive docs load their scripts from a CDN; the OpenAPI description stays.
        docs_url=None, redoc_url=None,
    )
    install(app)
    # Outermost last: the envelope, then the Host check, then the size cap, then the JSON shape.
    app.add_middleware(JsonShape)
    app.add_middleware(BodyLimit, limit_for=lambda path: max_upload_bytes if path in UPLOAD_PATHS else max_body_bytes)
    app.add_middleware(HostCheck, hosts=hosts)
    app.add_middleware(Envelope)
    app.mount("/static", StaticFiles(packages=[("engine.server", "static")]), name="static")
    app.state.worker = worker
    app.state.evaluator = engine

    async def evaluate(case: Case, as_of: dt.date | None, edition: str | None, render: Render) -> Response:
        """The case judged and rendered as JSON off the event loop: a large result's JSON (megabytes for
        hundreds of requests) is written where it was judged, so the loop stays free for small requests."""
        problems = unknown_treatments(case, engine.catalog) + plausible.case_problems(case.model_dump())
        if problems:
            raise ApiError(422, problems)
        check_edition(edition, engine.pack.editions, ("query", "edition"))
        try:
            if lane is not None and len(case.requests) > LARGE_CASE:
                body = await lane.judge(case, as_of, edition, render)
            else:
                body = await worker.run(lambda: render(engine.evaluate(case, as_of=as_of, edition=edition)))
        except ImrcheckError as exc:
            raise ApiError.one(422, ("body",), exc.message) from None
        return Response(body, media_type="application/json")

    for page in PAGES:
        app.add_api_route(page.path, _shows(render(page)), methods=["GET"], include_in_schema=False)

    @app.get("/api/health", tags=["service"])
    async def health() -> Health:
        return Health(status="ok", version=_version(), criteria_sets=len(engine.pack.sets), editions=engine.pack.editions)

    @app.get("/api/vocabulary", tags=["service"])
    async def vocabulary() -> Vocabulary:
        """The treatment catalog (a request may name a treatment by id, name, synonym or brand) and the regions."""
        treatments = [TreatmentEntry(id=t.id, name=t.name, category=t.category, names=list(t.names))
                      for t in engine.catalog.treatments.values()]
        return Vocabulary(treatments=treatments, regions=list(get_args(Region)),
                          set_titles={cs.id: cs.title for cs in engine.pack.sets.values()},
                          criterion_titles={f"{cs.id}/{c.id}": c.title for cs in engine.pack.sets.values()
                                            for c in cs.criteria})

    @app.post("/api/check", tags=["cases"], responses=_ERRORS)
    async def check(case: Case, as_of: AsOf = None, edition: Edition = None) -> Response:
        """Predict every requested item: the JSON of `imrcheck check --format json`."""
        return await evaluate(case, as_of, edition, check_json)

    @app.post("/api/missing", tags=["cases"], responses=_ERRORS)
    async def missing(case: Case, as_of: AsOf = None, edition: Edition = None) -> Response:
        """The documentation to add, per request: the JSON of `imrcheck missing --format json`."""
        return await evaluate(case, as_of, edition, missing_json_bytes)

    @app.post("/api/case.yaml", tags=["cases"], responses=_ERRORS, response_class=PlainTextResponse)
    async def case_yaml(case: Case) -> PlainTextResponse:
        """The case as a YAML case file (what `imrcheck check` reads)."""
        text = yaml.safe_dump(case.model_dump(mode="json", exclude_none=True), sort_keys=False, allow_unicode=True)
        return PlainTextResponse(text, media_type="application/yaml",
                                 headers={"content-disposition": 'attachment; filename="case.yaml"'})

    @app.post("/api/parse", tags=["letters"], responses=_ERRORS, openapi_extra=_UPLOAD_BODY)
    async def parse(request: Request) -> dict[str, Any]:
        """Read one IMR letter (.txt or .pdf, multipart field `letter`): the `imrcheck parse --format json`
        contract, plus the case extracted from its summary and the prediction beside each actual decision."""
        filename, data = await read_letter_upload(request, max_upload_bytes)
        try:
            return await worker.run(analyse_letter, engine, data, filename)
        except LetterParseError as exc:
            raise ApiError.one(422, ("body", "letter"), str(exc)) from None

    questions.register(app, engine, worker, _ERRORS)
    return app


def _shows(html: str) -> Callable[[], Awaitable[HTMLResponse]]:
    """An endpoint answering with this page (a closure: a default argument would become a query parameter)."""

    async def show() -> HTMLResponse:
        return HTMLResponse(html)

    return show


_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["letter"],
                    "properties": {"letter": {"type": "string", "format": "binary",
                                              "description": "An IMR Final Determination Letter (.txt or .pdf)"}},
                }
            }
        },
    }
}
