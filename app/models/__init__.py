"""SQLAlchemy ORM models, one module per aggregate. Importing this registers them all."""

from app.models.appeal import (
    Appeal,
    AppealRuling,
    Appellant,
    CourtInstance,
    DecisionDelivery,
    DeliveryMethod,
    Party,
    Reconsideration,
    RulingOutcome,
    Timeliness,
)
from app.models.audit import AuditEntry
from app.models.base import Base
from app.models.case import Application, Case, CaseNumberSeries, CaseStatus, CaseStatusChange
from app.models.case_review_fact import CaseReviewFact
from app.models.case_search_name import CaseSearchName
from app.models.complaint import (
    Complaint,
    ComplaintMeasure,
    ComplaintNumberSeries,
    FeedbackKind,
    LexSarah,
    ReceivedVia,
)
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
from app.models.intake import (
    DeliveryStatus,
    IntakeAttachment,
    IntakeDelivery,
    IntakeSubmission,
)
from app.models.journal import JournalEntry
from app.models.lease import CaseLease, LeaseEnd
from app.models.letter import Letter, LetterKind
from app.models.norm import NormTableRecord, NormTableStatus
from app.models.organisation import Role, Unit, User
from app.models.person import Person
from app.models.plan import Plan, PlanItem
from app.models.register_answer import RegisterAnswerRecord
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
    "Appeal",
    "AppealRuling",
    "Appellant",
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
    "Complaint",
    "ComplaintMeasure",
    "ComplaintNumberSeries",
    "ConflictStatus",
    "CourtInstance",
    "Decision",
    "DecisionDelivery",
    "DecisionItem",
    "DecisionKind",
    "Delegation",
    "DelegationScope",
    "DeliveryMethod",
    "DeliveryStatus",
    "FeedbackKind",
    "FollowUpTask",
    "FormDefinitionRecord",
    "FormInstance",
    "FormKey",
    "Household",
    "HouseholdMember",
    "IntakeAttachment",
    "IntakeDelivery",
    "IntakeSubmission",
    "JournalEntry",
    "LeaseEnd",
    "Letter",
    "LetterKind",
    "LexSarah",
    "MemberRole",
    "NormTableRecord",
    "NormTableStatus",
    "OutboxChange",
    "Outcome",
    "Party",
    "Person",
    "Plan",
    "PlanItem",
    "PulledCase",
    "ReceivedVia",
    "Reconsideration",
    "RegisterAnswerRecord",
    "Role",
    "RulingOutcome",
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
    "Timeliness",
    "Unit",
    "User",
]
