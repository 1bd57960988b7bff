"""A folder of hostile inputs, generated (nothing here is a real article): what the web and a
crawl throw at a newsroom's tool. Each entry: file name -> what the run must do with it."""
from __future__ import annotations

import os
import random
from pathlib import Path

STORY = ("Flooding in the fictional town of Kessel killed 14 people on Tuesday, the mayor said, and about "
         "2,300 residents were moved to shelters. ")


def write_hostile_corpus(folder: Path) -> dict[str, str]:
    """Write the inputs; returns each one's expected outcome: "stored" or a reject's reason (a substring)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    expect: dict[str, str] = {}

    def put(name: str, data: bytes | str, outcome: str) -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect[Path(name).stem] = outcome

    put("binary.txt", bytes(rng.randrange(256) for _ in range(200_000)), "binary")
    put("elf.txt", b"\x7fELF\x02\x01\x01" + os.urandom(4096), "binary")
    put("nul-bytes.txt", (STORY + "\x00" * 3 + STORY).encode("utf-8"), "binary")
    put("nul-late.txt", (STORY * 100 + "\x00" + STORY).encode("utf-8"), "binary")
    put("huge.txt", (STORY * (50_000_000 // len(STORY) + 1))[:50_000_000], "too large")
    put("nested.html", "<html><body>" + "<div>" * 100_000 + STORY + "</div>" * 100_000 + "</body></html>", "no article body")
    put("unclosed.html", "<html><body><p>" + STORY + "<b><i><span>" * 20_000, "stored")
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + "A" * 50 + '">\n'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
            + ']>\n<rss version="2.0"><channel><title>&j;</title><item><title>&j;</title>'
              '<description>&j;</description></item></channel></rss>\n')
    put("entity-bomb.rss", bomb, "malformed feed")
    put("latin1.txt", STORY.replace("mayor", "maire, Mme Hélène Côté,").encode("latin-1"), "stored")
    put("mixed-encodings.txt", STORY.encode("utf-8") + "Über 40 Verletzte – laut Behörde. ".encode("cp1252")
        + STORY.encode("utf-8"), "stored")
    put("utf16-inside.txt", STORY.encode("utf-8") + STORY.encode("utf-16"), "binary")
    put("invalid-utf8.txt", STORY.encode("utf-8") + b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1" + STORY.encode("utf-8"),
        "stored")
    put("rtl-zero-width.txt", "\u202eStorm\u202c kills\u200b 12\u200d in \u2067Kessel\u2069.\n\n"
        "قال المسؤولون إن 12 شخصا قتلوا.\u200f " + STORY.replace("14", "1\u200b4") + "\ufeff\u2060" + STORY, "stored")
    put("ten-thousand-digits.txt", f"Officials said {'9' * 10_000} people were killed. " + STORY, "stored")
    put("long-sentence.txt", "Officials said " + ", ".join(f"{n} people were hurt in block {n}" for n in
                                                            range(1, 20_000))[:100_000] + ". " + STORY, "stored")
    put("empty.txt", "", "empty file")
    put("whitespace.txt", " \n\t\u00a0\u2003\n" * 1000, "no words")
    put("control.txt", "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)) * 100, "binary")
    return expect
