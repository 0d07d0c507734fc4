"""The models, one module per aggregate; importing this package registers them all."""

from careercredit.models.audit import AuditEvent
from careercredit.models.people import Role, User, UserRole

__all__ = ["AuditEvent", "Role", "User", "UserRole"]
