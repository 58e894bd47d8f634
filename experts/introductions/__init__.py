"""Introductions to clinics: members' requests, feasibility requests answered
through personal links, the collated reply, and the investigations that follow."""
