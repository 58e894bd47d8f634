"""The forum's models: questions and everything written on them, and the
board's work on them (assignments, conflicts of interest)."""

from forum.models.questions import (
    Answer,
    Attachment,
    BoardSignature,
    Comment,
    DeviceClass,
    FAQEntry,
    Flag,
    Follow,
    HelpfulVote,
    Question,
    Revision,
    attachment_path,
)
from forum.models.routing import Assignment, ConflictOfInterest

__all__ = [
    "Answer",
    "Assignment",
    "Attachment",
    "BoardSignature",
    "Comment",
    "ConflictOfInterest",
    "DeviceClass",
    "FAQEntry",
    "Flag",
    "Follow",
    "HelpfulVote",
    "Question",
    "Revision",
    "attachment_path",
]
