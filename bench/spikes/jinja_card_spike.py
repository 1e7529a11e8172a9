"""How much faster Jinja2 renders our hottest template than Django's engine: card.html, ported
by hand to Jinja2 (autoescape on, the same filters and {% picture %} function), checked byte for
byte against the DTL output on real articles, then timed in turns.

    PYTHONPATH=/path/to/jinja2 nice -n 10 .venv/bin/python bench/spikes/jinja_card_spike.py /var/tmp/<copy>-15k

Jinja2 is not a dependency: point PYTHONPATH at an unpacked wheel. Used for issue #15's
"third round: Jinja2" decision (bench/RESULTS.md).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import env_for  # noqa: E402

CARD = """
<article class="card{% if variant %} card--{{ variant }}{% endif %}{% if not a.lead_media and not src %} card--text{% endif %}">
  {% if a.lead_media %}
  <a class="card__media" href="{{ url }}" tabindex="-1" aria-hidden="true">
    {{ picture(a.lead_media, ratio="16:9", sizes=sizes, alt="", eager=eager) }}
  </a>
  {% elif src %}
  <a class="card__media" href="{{ url }}" tabindex="-1" aria-hidden="true">
    <img src="{{ src }}" alt="" width="{{ a.lead_image_width or 1200 }}" height="{{ a.lead_image_height or 675 }}"{% if eager %} fetchpriority="high"{% else %} loading="lazy"{% endif %} decoding="async">
  </a>
  {% else %}
  <a class="card__media card__media--text" href="{{ url }}" tabindex="-1" aria-hidden="true"><span class="card__placeholder">{{ a.section.name }}</span></a>
  {% endif %}
  <div class="card__body">
    <p class="card__kicker"><a href="{{ a.section.get_absolute_url() }}">{{ a.section.name }}</a></p>
    <h{{ level or "3" }} class="card__title" lang="{{ a.language or "en" }}" dir="{{ a.direction }}"><a href="{{ url }}">{{ a.headline }}</a></h{{ level or "3" }}>
    {% if show_dek and a.dek %}<p class="card__dek">{{ a.dek|truncatewords(40) }}</p>{% endif %}
    <p class="card__meta">{% if a.display_byline %}<span class="card__byline">{{ a.display_byline }}</span> <span aria-hidden="true">·</span> {% endif %}<time datetime="{{ a.published_at|date('Y-m-d\\\\TH:i:sO') }}">{{ a.published_at|date("M j, Y") }}</time>{% if a.source_name %} <span aria-hidden="true">·</span> <span class="card__source">via {{ a.source_name }}</span>{% endif %}</p>
  </div>
</article>

"""


def main() -> None:
    os.environ.update(env_for(Path(sys.argv[1])))
    import django

    django.setup()
    import jinja2
    from django.template import defaultfilters
    from django.template.context import Context
    from django.template.loader import get_template
    from django.utils import timezone
    from django.utils.html import escape
    from markupsafe import Markup

    from broadsheet.media.templatetags.pictures import picture
    from broadsheet.newsroom.models import Article
    from broadsheet.site.templatetags.chrome import _card_sizes

    def finalize(value: object) -> object:
        # Django's escaping, not MarkupSafe's: &quot; and &#x27; where MarkupSafe writes &#34; and &#39;.
        return value if hasattr(value, "__html__") else Markup(escape(value))

    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True, finalize=finalize)
    # DTL shows datetimes in the current time zone before filtering (template_localtime);
    # Jinja2 does not, so the port's date filter must.
    env.filters["date"] = lambda value, arg: defaultfilters.date(timezone.localtime(value), arg)
    env.filters["truncatewords"] = defaultfilters.truncatewords
    env.globals["picture"] = picture
    jinja_card = env.from_string(CARD)
    # The engine's own speed, for comparison: MarkupSafe's escaping (not byte-identical: &#34;).
    plain = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    plain.filters, plain.globals = env.filters, env.globals
    plain_card = plain.from_string(CARD)
    dtl_card = get_template("site/includes/card.html").template

    articles = list(Article.objects.published().latest_first().for_listing()[:60])
    calls = [
        {
            "a": a,
            "variant": v,
            "level": "3",
            "show_dek": v == "row",
            "eager": False,
            "sizes": _card_sizes(v, i > 0),
        }
        for i, a in enumerate(articles)
        for v in ("", "row")
    ]

    def dtl(values: dict) -> str:
        return dtl_card.render(Context(values, autoescape=True))

    def jinja(values: dict) -> str:
        a = values["a"]
        return jinja_card.render(url=a.get_absolute_url(), src=a.lead_image_src, **values)

    with_media = sum(1 for a in articles if a.lead_media_id)
    same = sum(1 for values in calls if dtl(values) == jinja(values))
    if same < len(calls):
        import difflib

        bad = next(values for values in calls if dtl(values) != jinja(values))
        sys.stdout.writelines(difflib.unified_diff(dtl(bad).splitlines(True), jinja(bad).splitlines(True)))
    print(
        f"{len(calls)} cards ({with_media}/{len(articles)} articles with a library picture); identical: {same}"
    )

    def jinja_plain(values: dict) -> str:
        a = values["a"]
        return plain_card.render(url=a.get_absolute_url(), src=a.lead_image_src, **values)

    timings: dict[str, list[float]] = {"dtl": [], "jinja": [], "plain": []}
    for _ in range(7):
        for name, render in (("dtl", dtl), ("jinja", jinja), ("plain", jinja_plain)):
            start = time.process_time()
            for _ in range(5):
                for values in calls:
                    render(values)
            timings[name].append((time.process_time() - start) / (5 * len(calls)) * 1e6)
    d, j, p = (statistics.median(timings[name]) for name in ("dtl", "jinja", "plain"))
    print(
        f"card render, CPU µs each (median of 7 rounds): DTL {d:.0f}, Jinja2 byte-identical {j:.0f}"
        f" (ratio {j / d:.2f}), Jinja2 with MarkupSafe escaping {p:.0f} (ratio {p / d:.2f})"
    )


if __name__ == "__main__":
    main()
