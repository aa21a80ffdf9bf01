"""Row 4: decoding a 100-job page from bytes into models, against pydantic v2 and msgspec.

Each side starts from the same response bytes and ends with typed objects: the SDK runs the very
steps ``jobs.list`` runs (``parse_json``, ``unwrap``, ``decode_page`` into frozen attrs models);
pydantic runs ``validate_json`` on equivalent models (camelCase aliases, open enums, aware
datetimes, tuples); msgspec decodes into equivalent Structs (open enums as plain ``str``, since
msgspec cannot hold a union of an enum and ``str``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx

from instaview_async._envelope import parse_json, unwrap
from instaview_async._pagination import decode_page
from instaview_async.models import Job, JobLocation, JobStatus, LanguageRequirement, Salary

from ._payloads import page_envelope_bytes
from ._timing import Row, interleave_sync, median_ratio, time_calls

__all__ = ["run"]


def _sdk(body: bytes) -> Any:
    request = httpx.Request("GET", "https://api.instaview.sk/jobs")
    response = httpx.Response(200, content=body, request=request)

    def decode() -> object:
        return decode_page(unwrap(parse_json(response), response), Job, response, page=1, limit=100)

    return decode


def _floor(body: bytes) -> Any:
    """The same attrs models built by hand from ``json.loads``: no hooks, no checks at all.

    Not a candidate for the SDK (it validates nothing), but the floor of any pure-Python
    decoding into these frozen attrs models: parsing plus constructing the objects.
    """

    def job(o: dict[str, Any]) -> Job:
        location, salary = o["location"], o["salary"]
        return Job(
            id=o["id"],
            company_id=o["companyId"],
            title=o["title"],
            description=o["description"],
            status=JobStatus(o["status"]),
            job_url=o["jobUrl"],
            benefits=o["benefits"],
            required_skills=tuple(o["requiredSkills"]),
            nice_to_have_skills=tuple(o["niceToHaveSkills"]),
            language_requirements=tuple(
                LanguageRequirement(language=r["language"], proficiency=r["proficiency"])
                for r in o["languageRequirements"]
            ),
            education=tuple(o["education"]),
            experience=o["experience"],
            contract_type=o["contractType"],
            location=JobLocation(
                work_mode=location["workMode"],
                city=location["city"],
                country_code=location["countryCode"],
            ),
            salary=Salary(**salary),
            metadata=dict(o["metadata"]),
            created_at=datetime.fromisoformat(o["createdAt"].replace("Z", "+00:00")),
            updated_at=datetime.fromisoformat(o["updatedAt"].replace("Z", "+00:00")),
        )

    return lambda: [job(item) for item in json.loads(body)["data"]["items"]]


def _pydantic(body: bytes) -> Any:
    from ._pydantic_models import Envelope

    return lambda: Envelope.model_validate_json(body)


def _msgspec(body: bytes) -> Any:
    import msgspec

    from ._msgspec_models import Envelope

    decoder = msgspec.json.Decoder(Envelope)
    return lambda: decoder.decode(body)


async def run(*, quick: bool) -> list[Row]:
    """Time each decoder over interleaved rounds; compare the SDK's time with the others'."""
    body = page_envelope_bytes(100)
    number, rounds = (20, 5) if quick else (100, 9)
    decoders = {"SDK": _sdk(body), "floor": _floor(body)}
    missing = []
    for name, build in (("pydantic", _pydantic), ("msgspec", _msgspec)):
        try:
            decoders[name] = build(body)
        except ImportError:
            missing.append(name)
    if missing:
        note = f"not installed: {', '.join(missing)} (pip install -e '.[bench]')"
        return [
            Row(
                measure="decode a 100-job page",
                subject="SDK",
                baseline="pydantic",
                ratio=None,
                target="<= 1.5",
                note=note,
            )
        ]
    for decode in decoders.values():  # warm up: generated hooks, schema caches
        decode()
    samples = interleave_sync(
        {name: (lambda d=decode: time_calls(d, number)) for name, decode in decoders.items()},
        rounds,
    )
    ratio = median_ratio(samples, "SDK", "pydantic")
    versus_msgspec = median_ratio(samples, "SDK", "msgspec")
    floor = median_ratio(samples, "floor", "pydantic")
    return [
        Row(
            measure="decode a 100-job page",
            subject="SDK (cattrs -> attrs)",
            baseline="pydantic v2 validate_json",
            ratio=ratio,
            target="<= 1.5",
            met=ratio <= 1.5,
            note=f"time ratio; SDK / msgspec: {versus_msgspec:.1f}; hand-written attrs "
            f"construction, no checks (the pure-Python floor) / pydantic: {floor:.2f}",
        )
    ]
