"""A single joint patrol reported without a number is one patrol with an implied
count; habits, plans and frequencies are not patrols. Articles written for this test."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercoop.stages.extract import extract_document
from bordercoop.stages.ingest import ingest

ARTICLES = {
    "vi_single": (
        "Hai đồn biên phòng tuần tra song phương\n"
        "Sáng 14/5, Đồn Biên phòng Thanh Thủy, Bộ đội Biên phòng tỉnh Hà Giang phối hợp với Trạm "
        "Kiểm tra biên phòng Thiên Bảo (Trung Quốc) tổ chức tuần tra song phương trên đoạn biên giới "
        "từ mốc 240 đến mốc 244.\n"
        "Lực lượng tham gia gồm 16 cán bộ, chiến sĩ, trong đó mỗi bên 8 đồng chí.\n"
        "Hàng quý, hai đơn vị đều thực hiện tuần tra song phương theo kế hoạch, mỗi quý một lần.\n"
    ),
    "vi_plan": (
        "Hai bên thống nhất kế hoạch phối hợp\n"
        "Tại buổi làm việc ngày 3/6, Bộ đội Biên phòng tỉnh Kon Tum và tỉnh Attapeu (Lào) nhất trí "
        "tổ chức tuần tra song phương trong quý III.\n"
        "Hai bên cũng thống nhất tăng cường trao đổi thông tin để tổ chức tuần tra khi cần thiết.\n"
    ),
    "en_single": (
        "Border guards of two provinces patrol the border\n"
        "Border guards of Lao Cai province and their counterparts from Honghe prefecture of China "
        "conducted a joint border patrol on May 14.\n"
        "Both sides set up a joint patrol command for the operation.\n"
        "The route ran from Marker No. 90 to Marker No. 94.\n"
        "During the patrol, both sides deployed 36 officers and soldiers and held two on-site meetings.\n"
        "The two sides will conduct a joint patrol again in the third quarter and agreed to patrol "
        "the river section twice a month.\n"
    ),
}


@pytest.fixture(scope="module")
def patrols(tmp_path_factory) -> dict[str, list[dict]]:
    folder: Path = tmp_path_factory.mktemp("single_patrols")
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return {d.document_id: extract_document(d).table("patrols") for d in ingest(folder).documents}


def _key(row: dict) -> tuple:
    return (row["country_b"], row["patrol_count"], row["count_implied"], row["personnel"], row["personnel_scope"])


def test_vietnamese_single_patrol_takes_the_next_sentences_participants(patrols) -> None:
    # the habitual "Hàng quý ... mỗi quý một lần" is neither a patrol nor a count
    assert [_key(r) for r in patrols["vi_single"]] == [("CN", 1, True, 16, "total")]


def test_plans_and_aims_are_not_patrols(patrols) -> None:
    assert patrols["vi_plan"] == []


def test_english_single_patrol_takes_the_operations_personnel(patrols) -> None:
    # "a joint patrol command" is no patrol; "will conduct a joint patrol" is a plan;
    # "twice a month" is a frequency
    (row,) = patrols["en_single"]
    assert _key(row) == ("CN", 1, True, 36, "unknown")
    assert str(row["period_start"]) == "None" or row["period_start"].month == 5
