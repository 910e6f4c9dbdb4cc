"""Articles written for the tests (never copied news): a paragraph with a fact of
every type, and a saved web page around it."""

from __future__ import annotations

import html

PARAGRAPH = (
    "Sáng 12/3/2025, tại tỉnh Lào Cai, Bộ đội Biên phòng tỉnh Lào Cai và Trạm Kiểm soát biên phòng Hà Khẩu "
    "(Vân Nam, Trung Quốc) tổ chức hội đàm định kỳ năm 2025. Hai bên thống nhất tiếp tục phối hợp tuần tra song phương. "
    "Từ tháng 7 năm 2021 đến nay, hai bên đã tổ chức 12 đợt tuần tra chung với 240 lượt cán bộ, chiến sĩ tham gia. "
    "Tuyến biên giới Việt Nam - Trung Quốc dài khoảng 1.449 km, tỉnh Lào Cai có 182 km đường biên giới. "
    "Ngày 20/4, đoàn công tác tỉnh Điện Biên thăm và làm việc tại tỉnh Phông-xa-lỳ (Lào). "
    "Điện Biên là tỉnh biên giới giáp Lào.\n"
)


def article(title: str) -> str:
    """A text article: headline line, then the paragraph split into two paragraphs."""
    first, _, second = PARAGRAPH.partition(" Tuyến biên giới")
    return f"{title}\n{first}\nTuyến biên giới{second}"


def web_page(title: str, site: str = "Báo Biên Giới Mẫu", url: str = "https://bao-mau.example/hoi-dam.html",
             published: str = "2025-03-12") -> str:
    """A saved news page: navigation, the article, related links and a footer."""
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in article(title).split("\n")[1:] if p)
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{html.escape(title)} - {html.escape(site)}</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{html.escape(site)}">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{published}T08:00:00+07:00">
</head>
<body>
<header><nav><a href="/">Trang chủ</a> <a href="/thoi-su">Thời sự</a> <a href="/quoc-phong">Quốc phòng</a></nav></header>
<main><article>
<h1>{html.escape(title)}</h1>
{paragraphs}
</article></main>
<aside><h3>Tin liên quan</h3><ul><li><a href="/a">Một tin khác về biên giới</a></li><li><a href="/b">Tin khác nữa</a></li></ul></aside>
<footer><p>Bản quyền thuộc {html.escape(site)}. Địa chỉ: 1 Đường Mẫu.</p></footer>
</body>
</html>
"""
