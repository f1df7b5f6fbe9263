"""What each group of operations in the API documentation is for (the OpenAPI tags)."""

from __future__ import annotations

TAGS: list[dict[str, str]] = [
    {"name": "auth", "description": "Log in for a token, log out, change or reset a password."},
    {
        "name": "accounts",
        "description": "Admins and organisers disable, enable and reset others' accounts.",
    },
    {
        "name": "me",
        "description": "The caller's own account, roles, shifts, requests and certificates, "
        "and the secret address of their shifts' calendar feed.",
    },
    {
        "name": "organizations",
        "description": "The tree of district, street, community and other organisations, "
        "and the organisers appointed to them.",
    },
    {
        "name": "volunteers",
        "description": "Registration, profiles, hour summaries and a volunteer's own choices "
        "(appearing on public lists).",
    },
    {
        "name": "activities",
        "description": "Activities an organisation runs, and the shifts (single or weekly) "
        "that volunteers sign up for.",
    },
    {
        "name": "series",
        "description": "A weekly series of shifts as one thing: its capacity or times changed, "
        "or it cancelled, from a date on.",
    },
    {
        "name": "shifts",
        "description": "Sign-ups and the waitlist, the roster, check-in and check-out, "
        "no-shows, and an organiser's changes to a shift.",
    },
    {
        "name": "service records",
        "description": "Hours served: recorded, approved by a second party, corrected, "
        "revoked, and the volunteer's requests to correct them.",
    },
    {
        "name": "certificates",
        "description": "Certificates of service hours as signed Open Badges credentials and "
        "PDFs; their status, verification and revocation.",
    },
    {
        "name": "status lists",
        "description": "The issuer's W3C Bitstring Status Lists: signed, public, cacheable "
        "lists in which any verifier reads whether a certificate is revoked.",
    },
    {
        "name": "recognition",
        "description": "Leaderboards, organisation rankings and recognition lists with their "
        "public objection period.",
    },
    {
        "name": "statistics",
        "description": "Counts of sign-ups, attendance and hours for an activity.",
    },
    {
        "name": "supervision",
        "description": "What needs an organiser's attention: records waiting for approval, "
        "unusual hours.",
    },
    {
        "name": "audit",
        "description": "Every event in the ledger, with who did it and why, within the "
        "caller's scope.",
    },
    {
        "name": "transparency log",
        "description": "The public, append-only Merkle log of the ledger's events: signed "
        "checkpoints and inclusion and consistency proofs (RFC 9162).",
    },
    {
        "name": "reports",
        "description": "Reports an organiser hands upward: hours per volunteer for a period "
        "and an organisation subtree, as JSON, CSV or an Excel workbook.",
    },
    {
        "name": "projections",
        "description": "The read models' positions and lag, for operators.",
    },
    {"name": "health", "description": "Liveness and readiness for load balancers and operators."},
]
