"""The 党章 第九条 clocks of a member (evidence.dashboard.three_clocks) as HTML: a filter, not an
included template, because the 失联 page prints them on every one of up to 150 rows."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def clocks_html(clocks) -> str:
    parts = []
    for clock in clocks:
        if clock.get("reasons") is not None:
            if clock["reasons"]:
                parts.append(
                    format_html(
                        '<div class="text-muted">正当理由？{}</div>', "；".join(clock["reasons"])
                    )
                )
        elif clock.get("note"):
            parts.append(
                format_html('<div class="text-muted">{}：{}</div>', clock["label"], clock["note"])
            )
        elif clock["months"] is None:
            parts.append(
                format_html('<div>{}：<span class="text-muted">无记录</span></div>', clock["label"])
            )
        else:
            parts.append(
                format_html(
                    '<div>{}：<span class="{}">{}个月</span></div>',
                    clock["label"],
                    "text-danger" if clock["over"] else "",
                    clock["months"],
                )
            )
    return mark_safe("".join(parts))
