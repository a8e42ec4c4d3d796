#!/usr/bin/env python3
"""Makes Repère's demo library from the texts in demo/items/: narrated videos with slides and
subtitles, audio with a transcript, PDFs, scanned pages, web pages and notes, plus the
manifest `catalogue.csv` that describes them. Only Debian's espeak-ng, ffmpeg and ImageMagick
are used; nothing is downloaded.

Usage: make_library.py OUT_DIR [--only SLUG ...]
Idempotent: if OUT_DIR was made from the same texts by the same script, nothing is redone.

An item is a text file, `demo/items/SLUG.txt`:

    type: video | audio | pdf | scanned-pdf | scan | html | markdown
    title: ...
    description: ...
    subject: SVT | Physique-chimie | Mathématiques
    level: 6e | 5e | 4e | 3e
    programme: scolomfr-voc-015-num-N      (the part of the programme it belongs to: the gold
                                            that measures the machine's suggestions)
    subtitles: embedded | sidecar          (video only; audio always has a sidecar)
    handout: yes                           (video only: its slides and narration also as a
                                            one-page PDF, « Fiche : TITLE », SLUG-fiche.pdf)

    ## A slide or a section title
    - a bullet: shown on the slide, or a list item in a document
    A paragraph: what the narrator says over that slide, or a paragraph of the document.
"""
import concurrent.futures
import csv
import hashlib
import html
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fixtures"))
from make_pdf import Pdf  # noqa: E402

# Debian's /usr/bin/convert, not a look-alike earlier in PATH.
CONVERT = "/usr/bin/convert" if os.access("/usr/bin/convert", os.X_OK) else "convert"
VOICE_RATE = "150"  # words per minute: slow enough for pupils
LEAD, GAP, TAIL = 0.8, 0.35, 1.0  # seconds of silence around and between sentences
COLLECTIONS = {"SVT": "Sciences de la vie et de la Terre", "Physique-chimie": "Physique-chimie",
               "Mathématiques": "Mathématiques"}
PROGRAMME = "http://data.education.fr/voc/scolomfr/concept/"
EXTENSIONS = {"video": ".mp4", "audio": ".m4a", "pdf": ".pdf", "scanned-pdf": ".pdf",
              "scan": ".png", "html": ".html", "markdown": ".md"}


class ItemError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Reading items


def parse_item(path):
    slug = os.path.splitext(os.path.basename(path))[0]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    header, _, body = text.partition("\n\n")
    meta = {}
    for number, line in enumerate(header.splitlines(), start=1):
        key, sep, value = line.partition(":")
        if not sep:
            raise ItemError(f"{path}:{number}: expected 'key: value' in the header")
        meta[key.strip()] = value.strip()
    for key in ("type", "title", "description", "subject", "level", "programme"):
        if not meta.get(key):
            raise ItemError(f"{path}: the header has no '{key}'")
    if meta["type"] not in EXTENSIONS:
        raise ItemError(f"{path}: unknown type '{meta['type']}'")
    if meta["subject"] not in COLLECTIONS:
        raise ItemError(f"{path}: unknown subject '{meta['subject']}'")
    if not re.fullmatch(r"scolomfr-voc-015-num-[0-9]+", meta["programme"]):
        raise ItemError(f"{path}: programme '{meta['programme']}' is not a ScoLOMFR voc-015 "
                        "concept (scolomfr-voc-015-num-N)")
    sections = []
    paragraph = []

    def flush():
        if paragraph:
            sections[-1]["paragraphs"].append(" ".join(paragraph))
            paragraph.clear()

    for number, line in enumerate(body.splitlines(), start=text[:len(header)].count("\n") + 3):
        line = line.strip()
        if line.startswith("## "):
            flush()
            sections.append({"title": line[3:].strip(), "bullets": [], "paragraphs": []})
        elif not sections and line:
            raise ItemError(f"{path}:{number}: text before the first '## ' title")
        elif line.startswith("- "):
            flush()
            sections[-1]["bullets"].append(line[2:].strip())
        elif line:
            paragraph.append(line)
        else:
            flush()
    flush()
    if not sections:
        raise ItemError(f"{path}: no '## ' section")
    return {"slug": slug, "meta": meta, "sections": sections}


def sentences(paragraph):
    return [s for s in re.split(r"(?<=[.!?…])\s+", paragraph.strip()) if s]


# ---------------------------------------------------------------------------------------------
# Tools


def run(*args):
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise ItemError(f"{args[0]} failed: {result.stderr.strip()[-500:]}")


def ffmpeg(*args):
    run("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args)


def speak(text, out):
    run("espeak-ng", "-v", "fr", "-s", VOICE_RATE, "-w", out, text)


def timestamp(seconds, comma=False):
    ms = round(seconds * 1000)
    stamp = "%02d:%02d:%02d.%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)
    return stamp.replace(".", ",") if comma else stamp


# ---------------------------------------------------------------------------------------------
# Narration: one WAV per sentence, joined with silences; one cue per line pair


def split_for_cues(sentence, width=42):
    """Cue texts of at most two lines of `width` characters."""
    lines = textwrap.wrap(sentence, width)
    return ["\n".join(lines[i:i + 2]) for i in range(0, len(lines), 2)]


def narrate(sections, work):
    """Returns (wav path, [(start, end) per section], [(start, end, text) cues])."""
    params = None
    frames = []
    now = 0.0
    spans, cues = [], []

    def silence(seconds):
        nonlocal now
        frames.append(b"\0" * (int(params.framerate * seconds) * params.sampwidth * params.nchannels))
        now += seconds

    for i, section in enumerate(sections):
        said = [s for p in section["paragraphs"] for s in sentences(p)]
        if not said:
            raise ItemError(f"slide '{section['title']}' has nothing to say")
        start = now
        for j, sentence in enumerate(said):
            wav_path = os.path.join(work, f"s{i}-{j}.wav")
            speak(sentence, wav_path)
            with wave.open(wav_path) as w:
                if params is None:
                    params = w.getparams()
                silence(LEAD if j == 0 else GAP)
                data = w.readframes(w.getnframes())
                length = w.getnframes() / w.getframerate()
            frames.append(data)
            chunks = split_for_cues(sentence)
            total = sum(len(c) for c in chunks)
            t = now
            for chunk in chunks:
                d = length * len(chunk) / total
                cues.append((t, t + d, chunk))
                t += d
            now += length
        silence(TAIL)
        spans.append((start, now))
    out = os.path.join(work, "narration.wav")
    with wave.open(out, "wb") as w:
        w.setparams(params)
        w.writeframes(b"".join(frames))
    return out, spans, cues


def write_vtt(cues, path):
    with open(path, "w", encoding="utf-8") as f:
        f.write("WEBVTT\n\n")
        for n, (start, end, text) in enumerate(cues, start=1):
            f.write(f"{n}\n{timestamp(start)} --> {timestamp(end)}\n{text}\n\n")


def write_srt(cues, path):
    with open(path, "w", encoding="utf-8") as f:
        for n, (start, end, text) in enumerate(cues, start=1):
            f.write(f"{n}\n{timestamp(start, True)} --> {timestamp(end, True)}\n{text}\n\n")


# ---------------------------------------------------------------------------------------------
# Items


def render_slide(item, index, section, out):
    meta = item["meta"]
    bullets = "\n".join("• " + b for b in section["bullets"]) or " "
    footer = f"{meta['subject']} · {meta['level']} — {meta['title']}"
    run(CONVERT, "-size", "960x540", "xc:white",
        "-fill", "#1a237e", "-draw", "rectangle 0,0 960,12",
        "(", "-size", "860x110", "-background", "none", "-fill", "#1a237e",
        "-font", "DejaVu-Sans-Bold", "-pointsize", "46", "caption:" + section["title"], ")",
        "-geometry", "+50+40", "-composite",
        "(", "-size", "860x320", "-background", "none", "-fill", "#212121",
        "-font", "DejaVu-Sans", "-pointsize", "30", "-interline-spacing", "12",
        "caption:" + bullets, ")", "-geometry", "+50+170", "-composite",
        "-fill", "#555555", "-font", "DejaVu-Sans", "-pointsize", "16",
        "-annotate", "+50+520", footer[:90], "-annotate", "+880+520", f"{index + 1}", out)


def make_video(item, out_dir, work):
    sections = item["sections"]
    wav, spans, cues = narrate(sections, work)
    listing = os.path.join(work, "slides.txt")
    with open(listing, "w") as f:
        for i, (section, (start, end)) in enumerate(zip(sections, spans)):
            png = os.path.join(work, f"slide{i}.png")
            render_slide(item, i, section, png)
            f.write(f"file '{png}'\nduration {end - start:.3f}\n")
        f.write(f"file '{png}'\n")  # the concat demuxer needs the last picture twice
    total = spans[-1][1]
    target = os.path.join(out_dir, item["slug"] + ".mp4")
    video = ["-f", "concat", "-safe", "0", "-i", listing, "-i", wav]
    encode = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-r", "5",
              "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "48k", "-ac", "1", "-t", f"{total:.3f}"]
    if item["meta"].get("subtitles", "embedded") == "embedded":
        srt = os.path.join(work, "cues.srt")
        write_srt(cues, srt)
        ffmpeg(*video, "-i", srt, "-map", "0:v", "-map", "1:a", "-map", "2:s", *encode,
               "-c:s", "mov_text", "-metadata:s:s:0", "language=fre", target)
    else:
        ffmpeg(*video, "-map", "0:v", "-map", "1:a", *encode, target)
        write_vtt(cues, os.path.join(out_dir, item["slug"] + ".fr.vtt"))
    if item["meta"].get("handout") == "yes":
        make_pdf(handout_of(item), out_dir, work)
    return total


def make_audio(item, out_dir, work):
    wav, spans, cues = narrate(item["sections"], work)
    ffmpeg("-i", wav, "-c:a", "aac", "-b:a", "48k", "-ac", "1",
           os.path.join(out_dir, item["slug"] + ".m4a"))
    write_vtt(cues, os.path.join(out_dir, item["slug"] + ".fr.vtt"))
    return spans[-1][1]


def document_lines(item, width):
    """(text, size, bold) lines of a document, its paragraphs wrapped at `width` characters."""
    lines = [(item["meta"]["title"], 17, True), ("", 8, False)]
    for section in item["sections"]:
        lines.append((section["title"], 13, True))
        for paragraph in section["paragraphs"]:
            lines += [(line, 11, False) for line in textwrap.wrap(paragraph, width)]
            lines.append(("", 5, False))
        lines += [("• " + line, 11, False) for b in section["bullets"]
                  for line in textwrap.wrap(b, width - 2)]
        lines.append(("", 8, False))
    return lines


def make_pdf(item, out_dir, work):
    pdf = Pdf()
    page, height = [], 0
    for line in document_lines(item, 92):
        step = line[1] * 1.45
        if height + step > 720 and page:
            pdf.text_page(page)
            page, height = [], 0
        page.append(line)
        height += step
    pdf.text_page(page)
    pdf.save(os.path.join(out_dir, item["slug"] + ".pdf"))


def handout_of(item):
    """The handout of a video: the same sections as a document, under its own title."""
    meta = dict(item["meta"], type="pdf", title="Fiche : " + item["meta"]["title"],
                description="La fiche de la vidéo « " + item["meta"]["title"] +
                " » : ses diapositives et ce qui s'y dit.")
    return dict(item, meta=meta, slug=item["slug"] + "-fiche")


def scan_blocks(item, with_title=True):
    """(text, bold) blocks printed on a scanned page."""
    blocks = [(item["meta"]["title"], True)] if with_title else []
    for section in item["sections"]:
        blocks.append((section["title"], True))
        blocks += [(p, False) for p in section["paragraphs"]]
        blocks += [("– " + b, False) for b in section["bullets"]]
    return blocks


def render_scan(blocks, out, seed):
    """A page as a 150 dpi office scanner would give it: grey, slightly skewed, noisy.
    One caption per block, stacked: ImageMagick 6 refuses a single caption of several
    hundred characters with "width or height exceeds limit"."""
    angle = random.Random(seed).uniform(-1.5, 1.5)
    args = [CONVERT, "-background", "white", "-fill", "black", "-pointsize", "28"]
    for text, bold in blocks:
        args += ["(", "-size", "1100x", "-font", "DejaVu-Serif-Bold" if bold else "DejaVu-Serif",
                 "caption:" + text, "-gravity", "south", "-splice", "0x22", "+gravity", ")"]
    run(*args, "-append", "+repage", "-bordercolor", "white", "-border", "70", "-rotate", f"{angle:.2f}",
        "-background", "white", "-flatten", "-colorspace", "Gray", "-depth", "8",
        "-attenuate", "0.4", "+noise", "Gaussian", out)


def make_scan(item, out_dir, work):
    render_scan(scan_blocks(item), os.path.join(out_dir, item["slug"] + ".png"), item["slug"])


def make_scanned_pdf(item, out_dir, work):
    """Each section is a scanned page of the PDF, with no text layer."""
    pdf = Pdf()
    for i, section in enumerate(item["sections"]):
        page = {"meta": item["meta"], "sections": [section]}
        png, jpg = os.path.join(work, f"p{i}.png"), os.path.join(work, f"p{i}.jpg")
        render_scan(scan_blocks(page, with_title=i == 0), png, f"{item['slug']}-{i}")
        run(CONVERT, png, "-quality", "85", jpg)
        with open(jpg, "rb") as f:
            pdf.image_page(f.read())
    pdf.save(os.path.join(out_dir, item["slug"] + ".pdf"))


def make_html(item, out_dir, work):
    meta = item["meta"]
    e = html.escape
    body = []
    for section in item["sections"]:
        body.append(f"<h2>{e(section['title'])}</h2>")
        body += [f"<p>{e(p)}</p>" for p in section["paragraphs"]]
        if section["bullets"]:
            body.append("<ul>" + "".join(f"<li>{e(b)}</li>" for b in section["bullets"]) + "</ul>")
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>{e(meta['title'])}</title>
<meta name="description" content="{e(meta['description'])}">
<style>body {{ font-family: sans-serif; max-width: 40em; margin: auto; }}</style>
<script>document.documentElement.className = "js";</script>
</head>
<body>
<nav><a href="/">Accueil</a> · <a href="/ressources">Ressources</a> · <a href="/contact">Contact</a></nav>
<main>
<h1>{e(meta['title'])}</h1>
{chr(10).join(body)}
</main>
<footer>Ressource pédagogique — {e(meta['subject'])}, niveau {e(meta['level'])}. Licence CC BY-SA 4.0.</footer>
</body>
</html>
"""
    with open(os.path.join(out_dir, item["slug"] + ".html"), "w", encoding="utf-8") as f:
        f.write(page)


def make_markdown(item, out_dir, work):
    parts = [f"# {item['meta']['title']}", ""]
    for section in item["sections"]:
        parts += [f"## {section['title']}", ""]
        for p in section["paragraphs"]:
            parts += textwrap.wrap(p, 90) + [""]
        parts += [f"- {b}" for b in section["bullets"]]
        if section["bullets"]:
            parts.append("")
    with open(os.path.join(out_dir, item["slug"] + ".md"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts))


MAKERS = {"video": make_video, "audio": make_audio, "pdf": make_pdf,
          "scanned-pdf": make_scanned_pdf, "scan": make_scan, "html": make_html,
          "markdown": make_markdown}


def make(item, out_dir):
    with tempfile.TemporaryDirectory(prefix="repere-demo-") as work:
        duration = MAKERS[item["meta"]["type"]](item, out_dir, work)
    return item["slug"], duration


# ---------------------------------------------------------------------------------------------
# The library


def write_manifest(items, out_dir):
    path = os.path.join(out_dir, "catalogue.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(["fichier", "titre", "description", "langue", "licence", "auteurs",
                    "collection", "matière", "niveau", "programme", "identifiant"])
        rows = []
        for item in items:
            rows.append(item)
            if item["meta"].get("handout") == "yes":
                rows.append(handout_of(item))
        for item in rows:
            meta = item["meta"]
            w.writerow([item["slug"] + EXTENSIONS[meta["type"]], meta["title"],
                        meta["description"], "fr", "CC-BY-SA-4.0", "Équipe Repère",
                        COLLECTIONS[meta["subject"]], meta["subject"], meta["level"],
                        PROGRAMME + meta["programme"], "repere-demo:" + item["slug"]])


def fingerprint(paths):
    h = hashlib.sha256()
    for path in [os.path.abspath(__file__), os.path.join(HERE, "..", "tests", "fixtures",
                                                         "make_pdf.py")] + paths:
        with open(path, "rb") as f:
            h.update(os.path.basename(path).encode() + b"\0" + f.read())
    return h.hexdigest()


def main(argv):
    if len(argv) < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    out_dir = os.path.abspath(argv[1])
    only = set(argv[3:]) if len(argv) > 2 and argv[2] == "--only" else None
    items_dir = os.path.join(HERE, "items")
    paths = sorted(os.path.join(items_dir, n) for n in os.listdir(items_dir) if n.endswith(".txt"))
    if only is not None:
        paths = [p for p in paths if os.path.splitext(os.path.basename(p))[0] in only]
    stamp_path = os.path.join(out_dir, ".made-from")
    stamp = fingerprint(paths)
    if os.path.exists(stamp_path) and open(stamp_path).read() == stamp:
        print(f"The demo library in {out_dir} is up to date ({len(paths)} items).")
        return 0
    try:
        items = [parse_item(p) for p in paths]
    except ItemError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    print(f"Making the demo library: {len(items)} items into {out_dir}")
    failed = 0
    workers = max(1, min(len(items), os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = {pool.submit(make, item, out_dir): item for item in items}
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            item = futures[future]
            try:
                slug, duration = future.result()
                extra = f" ({duration // 60:.0f} min {duration % 60:02.0f} s)" if duration else ""
                print(f"  [{done}/{len(items)}] {item['meta']['type']:<11} {slug}{extra}", flush=True)
            except (ItemError, OSError) as e:
                failed += 1
                print(f"  [{done}/{len(items)}] error: {item['slug']}: {e}", file=sys.stderr)
    if failed:
        print(f"{failed} items could not be made; see the errors above", file=sys.stderr)
        return 1
    write_manifest(items, out_dir)
    with open(stamp_path, "w") as f:
        f.write(stamp)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
