"""The workflow of an application, as data (`data/workflows/<name>.v<N>.json`) on the kit's state-machine pattern.

A workflow names its transitions by role group: `applicant` (the citizen, or their proxy acting as a citizen),
`workers` (online seats, window clerks and their supervisors) and `system` (automatic rules, the worker, the
CLI). An application pins `name@version` when it is made; a new version is a new file, so the applications
already in flight keep the transitions they started with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.states import SYSTEM_ROLES, StateMachine, Transition


class Status(StrEnum):
    draft = "draft"
    submitted = "submitted"
    accepted = "accepted"
    in_review = "in_review"
    correction_requested = "correction_requested"
    resubmitted = "resubmitted"
    approved = "approved"
    issued = "issued"
    completed = "completed"
    rejected = "rejected"
    withdrawn = "withdrawn"


LABELS = {"draft": N_("Draft"), "submitted": N_("Awaiting acceptance"), "accepted": N_("Accepted (受理)"),
          "in_review": N_("In review"), "correction_requested": N_("Correction requested"),
          "resubmitted": N_("Resubmitted"), "approved": N_("Approved by the office"), "issued": N_("Result issued"),
          "completed": N_("Completed"), "rejected": N_("Rejected"), "withdrawn": N_("Withdrawn")}
ACTION_LABELS = {"submit": N_("Submit"), "accept": N_("Accept (受理)"), "start_review": N_("Start review"),
                 "request_correction": N_("Request a correction"), "resubmit": N_("Send the correction"),
                 "approve": N_("Approve"), "reject": N_("Reject"), "issue": N_("Mark issued"),
                 "complete": N_("Complete"), "withdraw": N_("Withdraw"), "create": N_("Application started"),
                 "claim": N_("Taken by a seat"), "reassign": N_("Reassigned by a supervisor")}
WORKERS = frozenset({Role.online_seat, Role.window_clerk, Role.supervisor})
ROLE_GROUPS: dict[str, frozenset[str]] = {
    "applicant": frozenset({Role.citizen.value}),
    "workers": frozenset(str(r) for r in WORKERS),
    "supervisors": frozenset({Role.supervisor.value}),
    "system": SYSTEM_ROLES,
}
DEFAULT_WORKFLOW = "standard"


class WorkflowUnknown(ValueError):
    pass


@dataclass(frozen=True)
class Workflow:
    ref: str                       # name@version
    machine: StateMachine[Status]
    waiting_on_applicant: frozenset[str]
    final: frozenset[str]

    def active(self, state: str) -> bool:
        return state not in self.final


def _files() -> dict[str, str]:
    folder = resources.files("jiaoguan.business") / "data" / "workflows"
    return {p.name: p.read_text("utf-8") for p in folder.iterdir() if p.name.endswith(".json")}


def parse_workflow(text: str) -> Workflow:
    doc = json.loads(text)
    ref = f"{doc['name']}@{int(doc['version'])}"
    for state in doc["states"]:
        Status(state)  # an unknown state is a programming error in the data file
    transitions = [Transition(t["action"], {Status(s) for s in t["from"]}, Status(t["to"]),
                              {r for group in t["roles"] for r in ROLE_GROUPS[group]},
                              event=t.get("event"), notify=t.get("notify")) for t in doc["transitions"]]
    machine = StateMachine("business_application", Status, transitions, labels=LABELS, room="business")
    return Workflow(ref, machine, frozenset(doc.get("waiting_on_applicant", ())), frozenset(doc.get("final", ())))


@cache
def workflows() -> dict[str, Workflow]:
    found = [parse_workflow(text) for _, text in sorted(_files().items())]
    return {w.ref: w for w in found}


def workflow(ref: str) -> Workflow:
    try:
        return workflows()[ref]
    except KeyError:
        raise WorkflowUnknown(ref) from None


def latest(name: str = DEFAULT_WORKFLOW) -> Workflow:
    """The newest version of a workflow: what a new application pins."""
    versions = [w for ref, w in workflows().items() if ref.split("@")[0] == name]
    if not versions:
        raise WorkflowUnknown(name)
    return max(versions, key=lambda w: int(w.ref.split("@")[1]))


ACTIVE = tuple(s.value for s in Status if s not in {Status.draft, Status.completed, Status.rejected,
                                                   Status.withdrawn})
# Open for the one-at-a-time rule: a draft counts (it holds the place), the final states do not.
OPEN = (Status.draft.value, *ACTIVE)
FINAL = (Status.completed.value, Status.rejected.value, Status.withdrawn.value)
WAITING = (Status.correction_requested.value,)


class ServiceRequestStatus(StrEnum):
    """A batch (集中办理) or door-to-door (上门办理) request of a key-material vehicles' enterprise."""

    requested = "requested"
    scheduled = "scheduled"
    done = "done"
    cancelled = "cancelled"


SERVICE_REQUEST_OPEN = (ServiceRequestStatus.requested.value, ServiceRequestStatus.scheduled.value)
# The clerks of the province handle them at the hall or at the premises; supervisors may too.
SERVICE_REQUEST_WORKERS = frozenset({Role.window_clerk, Role.supervisor})
SERVICE_REQUEST = StateMachine("service_request", ServiceRequestStatus, room="business", transitions=[
    Transition("schedule", {ServiceRequestStatus.requested, ServiceRequestStatus.scheduled},
               ServiceRequestStatus.scheduled, SERVICE_REQUEST_WORKERS, notify="business_service_scheduled"),
    Transition("done", {ServiceRequestStatus.scheduled}, ServiceRequestStatus.done, SERVICE_REQUEST_WORKERS),
    Transition("cancel", {ServiceRequestStatus.requested, ServiceRequestStatus.scheduled},
               ServiceRequestStatus.cancelled, {Role.enterprise_agent, *SERVICE_REQUEST_WORKERS},
               notify="business_service_cancelled"),
], labels={"requested": N_("Requested"), "scheduled": N_("Scheduled"), "done": N_("Done"),
           "cancelled": N_("Request cancelled")})
