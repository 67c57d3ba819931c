"""SQLAlchemy ORM models, one module per aggregate. Importing this registers them all."""

from app.models.audit import AuditEntry
from app.models.base import Base
from app.models.case import Application, Case, CaseNumberSeries, CaseStatus, CaseStatusChange
from app.models.case_review_fact import CaseReviewFact
from app.models.case_search_name import CaseSearchName
from app.models.decision import (
    Decision,
    DecisionItem,
    DecisionKind,
    Delegation,
    DelegationScope,
    Outcome,
)
from app.models.form import FollowUpTask, FormDefinitionRecord, FormInstance, FormKey
from app.models.household import Household, HouseholdMember, MemberRole
from app.models.journal import JournalEntry
from app.models.lease import CaseLease, LeaseEnd
from app.models.norm import NormTableRecord, NormTableStatus
from app.models.organisation import Role, Unit, User
from app.models.person import Person
from app.models.plan import Plan, PlanItem
from app.models.setting import Setting
from app.models.statistics_barrier import (
    StatisticsBarrierFact,
    StatisticsBarrierMonthAdult,
    StatisticsBarrierMonthAdultCount,
    StatisticsBarrierMonthPerson,
    StatisticsBarrierMonthPersonCount,
    StatisticsBarrierTotal,
    StatisticsBarrierYearAdult,
    StatisticsBarrierYearAdultCount,
    StatisticsBarrierYearPerson,
    StatisticsBarrierYearPersonCount,
)
from app.models.statistics_fact import (
    StatisticsChildFact,
    StatisticsChildTotal,
    StatisticsEventFact,
    StatisticsEventTotal,
    StatisticsFactState,
    StatisticsMonthFact,
    StatisticsYearFact,
)
from app.models.statistics_total import (
    StatisticsApplicationTotal,
    StatisticsMonthTotal,
    StatisticsYearTotal,
)
from app.models.support_barrier import SupportBarrier
from app.models.sync import (
    AppliedChange,
    ChangeOperation,
    ConflictStatus,
    OutboxChange,
    PulledCase,
    SyncConflict,
    SyncOutcome,
)

__all__ = [
    "Application",
    "AppliedChange",
    "AuditEntry",
    "Base",
    "Case",
    "CaseLease",
    "CaseNumberSeries",
    "CaseReviewFact",
    "CaseSearchName",
    "CaseStatus",
    "CaseStatusChange",
    "ChangeOperation",
    "ConflictStatus",
    "Decision",
    "DecisionItem",
    "DecisionKind",
    "Delegation",
    "DelegationScope",
    "FollowUpTask",
    "FormDefinitionRecord",
    "FormInstance",
    "FormKey",
    "Household",
    "HouseholdMember",
    "JournalEntry",
    "LeaseEnd",
    "MemberRole",
    "NormTableRecord",
    "NormTableStatus",
    "OutboxChange",
    "Outcome",
    "Person",
    "Plan",
    "PlanItem",
    "PulledCase",
    "Role",
    "Setting",
    "StatisticsApplicationTotal",
    "StatisticsBarrierFact",
    "StatisticsBarrierMonthAdult",
    "StatisticsBarrierMonthAdultCount",
    "StatisticsBarrierMonthPerson",
    "StatisticsBarrierMonthPersonCount",
    "StatisticsBarrierTotal",
    "StatisticsBarrierYearAdult",
    "StatisticsBarrierYearAdultCount",
    "StatisticsBarrierYearPerson",
    "StatisticsBarrierYearPersonCount",
    "StatisticsChildFact",
    "StatisticsChildTotal",
    "StatisticsEventFact",
    "StatisticsEventTotal",
    "StatisticsFactState",
    "StatisticsMonthFact",
    "StatisticsMonthTotal",
    "StatisticsYearFact",
    "StatisticsYearTotal",
    "SupportBarrier",
    "SyncConflict",
    "SyncOutcome",
    "Unit",
    "User",
]
