"""The fixed parts of an Open Badges 3.0 certificate: contexts, the achievement, its result.

Every term a certificate uses is defined: by the VC 2.0 and OB 3.0.3 contexts, or by our own
context (``trust/contexts/volunteer-ledger-v1.jsonld``, served by the service at
``CONTEXT_PATH`` and pinned in each credential by its SHA-384 in a VC 2.0 ``relatedResource``).
OB 3.0 gives no property a language map (no ``@container: @language`` in its context, and its
JSON Schema wants plain strings), so names and descriptions are one string, Chinese then English.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources
from typing import Any

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
LEDGER_CONTEXT = "https://w3id.org/volunteer-ledger/contexts/v1.jsonld"
"""Our context's URL: the same for every deployment, so that verifiers can bundle it."""
LEDGER_CONTEXT_FILE = "volunteer-ledger-v1.jsonld"
CONTEXT_PATH = "/contexts/volunteer-ledger-v1.jsonld"
"""Where each service serves the same bytes (``GET``), beside its other public routes."""
CONTEXTS = [VC_V2_CONTEXT, OB_V3_CONTEXT, LEDGER_CONTEXT]

EVIDENCE_TYPE = "TransparencyLogEvidence"
ACHIEVEMENT_ID = "urn:volunteer-ledger:achievement:volunteer-service"
RESULT_DESCRIPTION_ID = f"{ACHIEVEMENT_ID}:result:minutes"


@cache
def ledger_context_bytes() -> bytes:
    """Our context exactly as bundled and served: the bytes its digest is taken of."""
    return resources.files("trust").joinpath("contexts", LEDGER_CONTEXT_FILE).read_bytes()


def ledger_context_digest() -> str:
    """The context's Subresource Integrity string (``sha384-…``), as ``digestSRI`` takes it."""
    digest = hashlib.sha384(ledger_context_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


def related_resources() -> list[dict[str, Any]]:
    """The VC 2.0 ``relatedResource`` that pins our context by hash."""
    return [
        {
            "id": LEDGER_CONTEXT,
            "digestSRI": ledger_context_digest(),
            "mediaType": "application/ld+json",
        }
    ]


def achievement() -> dict[str, Any]:
    """The achievement every certificate awards, with the description of its one result."""
    return {
        "id": ACHIEVEMENT_ID,
        "type": ["Achievement"],
        "achievementType": "CommunityService",
        "name": "志愿服务 / Volunteer service",
        "description": "经账本记录并审核通过的志愿服务时长。 / "
        "Approved hours of volunteer service recorded in the ledger.",
        "criteria": {
            "narrative": "每条计入的记录均经组织该服务的组织的管理员审核通过。 / "
            "Each counted record was approved by an organiser "
            "of the organisation that organised the service."
        },
        "resultDescription": [
            {
                "id": RESULT_DESCRIPTION_ID,
                "type": ["ResultDescription"],
                "name": "志愿服务时长（分钟） / Volunteer service time (minutes)",
                "resultType": "ext:Minutes",
                "valueMin": "0",
            }
        ],
    }


def minutes_result(total_minutes: int) -> dict[str, Any]:
    """The certificate's result: whole minutes, pointing at the achievement's description."""
    return {
        "type": ["Result"],
        "resultDescription": RESULT_DESCRIPTION_ID,
        "value": str(total_minutes),
    }
