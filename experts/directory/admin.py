"""Admin registrations, imported by experts.admin."""
