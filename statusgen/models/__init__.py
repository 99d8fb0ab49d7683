"""Pydantic models of every record kind, one module each."""

from .announcements import Announcement, AnnouncementKind, ExistingCustomers, PriceChange, RetentionRule
from .common import ComponentStatus, Impact, StrictModel, worst_status
from .components import Component, ComponentCatalogue, Group
from .incidents import Incident, IncidentStatus, IncidentUpdate
from .maintenance import Maintenance, MaintenanceStatus, MaintenanceUpdate
from .plans import Credit, Plan, PlanCatalogue, Sla
from .postmortems import ActionItem, Lessons, Postmortem, TimelineEntry

__all__ = [
    "ActionItem", "Announcement", "AnnouncementKind", "Component", "ComponentCatalogue", "Credit",
    "ComponentStatus", "ExistingCustomers", "Group", "Impact", "Incident", "IncidentStatus", "IncidentUpdate",
    "Lessons", "Maintenance", "MaintenanceStatus", "MaintenanceUpdate", "Plan", "PlanCatalogue",
    "PriceChange", "Postmortem", "RetentionRule", "Sla", "StrictModel", "TimelineEntry", "worst_status",
]
