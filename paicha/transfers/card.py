"""The 联心卡 (seed 004 measure 6): what it prints, and the branch's WeChat group QR code.

The QR code is drawn here (segno) from the text the branch recorded — the data never leaves
the intranet to be encoded by a web service.
"""

import segno
from django.utils.safestring import mark_safe

from paicha.organizations.models import Organization


def wechat_group_qr_svg(branch: Organization) -> str:
    """Inline SVG of the branch's WeChat group QR code ("" when none is recorded)."""
    content = branch.wechat_group_link.strip()
    if not content:
        return ""
    qr = segno.make(content, error="m")
    # Only the code's own markup: no user text goes into the SVG unescaped.
    return mark_safe(qr.svg_inline(scale=3, border=2, dark="#000", omitsize=False))


def contact_line(name: str, phone: str, wechat: str, email: str) -> str:
    """'王媛 电话0731-88880002 微信wangyuan 邮箱wy@x.cn' as the card prints a contact."""
    parts = [name] if name else []
    parts += [
        f"{label}{value}"
        for label, value in (("电话", phone), ("微信", wechat), ("邮箱", email))
        if value
    ]
    return " ".join(parts)
