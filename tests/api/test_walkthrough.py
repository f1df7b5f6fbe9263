"""The walk-through in docs/api.md, run as written: its curl commands are read from the doc."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.demo import load_demo
from api.settings import Settings

DOC = Path(__file__).parents[2] / "docs" / "api.md"
API = "http://testserver"


@dataclass
class Step:
    """One curl command of the walk-through, and the shell variable its output is kept in."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None
    json: str | None = None
    keeps: str | None = None


def walkthrough() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split("## A walk through", 1)[1].split("\n## ", 1)[0]


def shell_lines(section: str) -> list[str]:
    """The lines of its ```sh blocks, a here-document joined to the command that reads it."""
    lines: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL):
        body = iter(block.splitlines())
        for line in body:
            if line.endswith("<<EOF"):
                here = []
                for more in body:
                    if more == "EOF":
                        break
                    here.append(more)
                line = line.removesuffix("<<EOF") + "\0" + "\n".join(here)
            lines.append(line)
    return lines


def parse_curl(command: str) -> Step:
    command, _, here = command.partition("\0")
    words = shlex.split(command)
    assert words[0] == "curl", command
    step = Step(method="GET", url="")
    options = iter(words[1:])
    for word in options:
        if word == "-s":
            continue
        if word == "-X":
            step.method = next(options)
        elif word == "-H":
            name, value = next(options).split(": ", 1)
            step.headers[name] = value
        elif word == "-d":
            key, value = next(options).split("=", 1)
            step.form = (step.form or {}) | {key: value}
            step.method = "POST" if step.method == "GET" else step.method
        elif word == "--json":
            payload = next(options)
            step.json = here if payload == "@-" else payload
            step.method = "POST" if step.method == "GET" else step.method
        elif word.startswith("http") or word.startswith("$API"):
            step.url = word
        else:
            raise AssertionError(
                f"the walk-through uses a curl option the test cannot read: {word}"
            )
    return step


def expand(text: str, variables: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        return variables[match.group(1)]

    return re.sub(r"\$(\w+)", value, text)


CURL_AT_START = re.compile(r"^(?:(\w+)=\$\()?(curl .*?)(?:\s*\|\s*jq .*)?(?:\))?$", re.DOTALL)
ASSIGNMENT = re.compile(r"^(\w+)=(.*)$")


def steps_of(section: str) -> list[Step | tuple[str, str]]:
    """Each curl command as a Step; each other assignment as (name, what it says)."""
    steps: list[Step | tuple[str, str]] = []
    for line in shell_lines(section):
        if "curl " in line:
            match = CURL_AT_START.match(line)
            assert match, line
            step = parse_curl(match.group(2).rstrip(")").rstrip())
            step.keeps = match.group(1)
            steps.append(step)
        elif assignment := ASSIGNMENT.match(line):
            steps.append((assignment.group(1), assignment.group(2)))
    return steps


def pick_record(queue: dict[str, Any]) -> dict[str, Any]:
    return next(item for item in queue["items"] if item["second_party"]["you_may_approve"])


#: What the doc's jq filters take from each answer, in Python: the test fills the same
#: variables, and fails if the doc keeps one it does not know.
KEEPS = {
    "TOKEN": lambda answer: answer["access_token"],
    "ORG_TOKEN": lambda answer: answer["access_token"],
    "SHIFT_ID": lambda answer: next(
        item["id"] for item in answer["items"] if item["my_place"]["status"] == "none"
    ),
    "POSITION": lambda answer: str(answer["position"]),
    "RECORD": pick_record,
}
DERIVED = {
    "RECORD_ID": lambda record: record["id"],
    "VOLUNTEER_ID": lambda record: record["volunteer_id"],
    "ORGANIZATION_ID": lambda record: record["organisation_id"],
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo(request: pytest.FixtureRequest, tmp_path):
    """A freshly loaded demo (one week of it) on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        store = f"sqlite:///{tmp_path}/data/ledger.db"
    else:
        store = str(request.getfixturevalue("postgres_schema"))
    settings = Settings(data_dir=tmp_path / "data", store=store, follow_projections=False)
    return settings, load_demo(settings, weeks=1, progress=lambda _: None)


def test_the_walkthrough_runs_as_written(demo):
    settings, summary = demo
    (_, _, _), (_, organiser, organiser_password), (_, phone, volunteer_password) = summary.logins
    variables: dict[str, Any] = {
        "API": API,
        "VOLUNTEER_PASSWORD": volunteer_password,
        "ORGANISER_PASSWORD": organiser_password,
    }
    answers = []
    with TestClient(create_app(settings)) as client:
        client.app.state.services.runner.catch_up()  # type: ignore[attr-defined]
        for step in steps_of(walkthrough()):
            if isinstance(step, tuple):
                name, _ = step
                if name in DERIVED:
                    variables[name] = DERIVED[name](variables["RECORD"])
                else:
                    assert name in ("API", "VOLUNTEER_PASSWORD", "ORGANISER_PASSWORD"), name
                continue
            text = {k: v for k, v in variables.items() if isinstance(v, str)}
            url = expand(step.url, text).removeprefix(API)
            headers = {k: expand(v, text) for k, v in step.headers.items()}
            sent: dict[str, Any] = {}
            if step.form is not None:
                sent["data"] = {k: expand(v, text) for k, v in step.form.items()}
            if step.json is not None:
                sent["content"] = expand(step.json, text).encode()
                headers["Content-Type"] = "application/json"
            response = client.request(step.method, url, headers=headers, **sent)
            assert response.status_code in (200, 201), (step, response.text)
            answers.append((step.method, url, response.json()))
            if step.keeps:
                assert step.keeps in KEEPS, step.keeps
                variables[step.keeps] = KEEPS[step.keeps](response.json())
    assert (organiser, phone) == ("demo.organiser", "13910000000")
    my_shifts = answers[3][2]
    assert variables["SHIFT_ID"] in {item["shift_id"] for item in my_shifts["items"]}
    assert answers[-1][2]["number"].startswith("VC")


def test_the_walkthrough_walks_the_volunteer_and_the_organiser_paths():
    """The doc says what the issue asks for; it cannot lose a step unnoticed."""
    paths = [
        (step.method, re.sub(r"\?.*", "", step.url.removeprefix("$API")))
        for step in steps_of(walkthrough())
        if isinstance(step, Step)
    ]
    assert paths == [
        ("POST", "/v1/auth/token"),
        ("GET", "/v1/shifts"),
        ("POST", "/v1/shifts/$SHIFT_ID/signups"),
        ("GET", "/v1/me/shifts"),
        ("POST", "/v1/auth/token"),
        ("GET", "/v1/service-records"),
        ("POST", "/v1/service-records/$RECORD_ID/approve"),
        ("POST", "/v1/certificates"),
    ]
