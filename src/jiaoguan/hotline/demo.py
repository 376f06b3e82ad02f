"""Demo data of the hotline room: the shipped common answers, a few tickets at the desk (one answered and
closed, one waiting on the caller, one appointment call from the elderly demo citizen) and an ambulance crew's
emergency case accepted by the demo clerk. Only flushes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.accounts.service import principal_by_username
from jiaoguan.hotline import answers, emergency, evidence, tickets
from jiaoguan.registry.queries import person_of

# A one-page PDF standing in for the emergency centre's letter.
DEMO_LETTER = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
               b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
               b"% demo: Beijing Emergency Medical Centre, request for urgent re-registration\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


def load_demo_part(session: Session, world: Any) -> dict[str, int]:
    report = answers.load(session, answers.SHIPPED.read_text(encoding="utf-8"))
    agent = principal_by_username(session, "hotline")
    clerk = principal_by_username(session, "clerk")
    if agent is None or clerk is None:
        return {"hotline_answer": report.added}
    citizen = person_of(session, world.featured.get("renewal_window"))
    elder = person_of(session, world.featured.get("long_term"))
    made = 0
    if citizen is not None:
        t = tickets.open_ticket(session, agent, tickets.TicketInput(
            "consultation", "驾驶证到期了，没有体检证明能不能先换证？", caller_person_id=citizen.id,
            caller_phone=citizen.phone or "13800000001"))
        known = answers.get(session, "licence-renewal-medical")
        text = known.answer_zh if known else "已答复容缺办政策。"
        tickets.answer(session, t.id, agent, text, "licence-renewal-medical")
        tickets.close(session, t.id, agent, "已答复容缺办政策。")
        h = tickets.open_ticket(session, agent, tickets.TicketInput(
            "help", "行驶证丢失，需要补领，想了解需带哪些材料。", caller_person_id=citizen.id,
            caller_phone=citizen.phone or "13800000001"))
        tickets.wait_on_caller(session, h.id, agent, "等待来电人确认车辆号牌")
        made += 2
    if elder is not None:
        tickets.open_ticket(session, agent, tickets.TicketInput(
            "appointment", "老人不会用手机，请代为预约驾驶证换证。", caller_person_id=elder.id,
            caller_phone=elder.phone or "13800000002"))
        made += 1
    case = emergency.register(session, clerk, emergency.CaseInput(
        kind="ambulance", unit_name="北京急救中心", business="救护车行驶证补领", plate_no="京A12120",
        applicant_name="王医生", applicant_phone="13911110120", office_code=""),
        evidence.store(DEMO_LETTER, "北京急救中心证明.pdf"))
    emergency.accept(session, case.id, clerk)
    return {"hotline_answer": report.added, "hotline_ticket": made, "emergency_case": 1}
