"""verify-certificate offline: with nothing but the file and the issuer's public keys."""

import argparse
import json
import urllib.parse
from pathlib import Path

import pytest

from api.app import create_app
from api.cli.certificates import add_verify_certificate_parser, run_verify_certificate
from tests.api.conftest import credential_of
from tests.api.live_server import serving

FIXTURES = Path(__file__).parents[2] / "trust" / "fixtures"


def run(*argv):
    parser = argparse.ArgumentParser()
    add_verify_certificate_parser(parser.add_subparsers(dest="command"))
    return run_verify_certificate(parser.parse_args(["verify-certificate", *map(str, argv)]))


@pytest.fixture
def files(api, world, issued, tmp_path):
    issuer = tmp_path / "issuer.json"
    issuer.write_text(api.client.get("/v1/issuer").text)
    credential = tmp_path / "certificate.json"
    credential.write_text(json.dumps(credential_of(api, world, issued["number"])))
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(
        api.client.get(
            f"/v1/certificates/{issued['number']}.pdf", headers=world.tokens["volunteer"]
        ).content
    )
    return {"issuer": issuer, "json": credential, "pdf": pdf, "tmp": tmp_path}


@pytest.mark.parametrize("kind", ["json", "pdf"])
def test_an_untouched_certificate_is_authentic_offline(files, capsys, kind):
    assert run(files[kind], "--issuer", files["issuer"]) == 0
    output = capsys.readouterr().out
    assert output.strip().endswith("verdict: authentic")
    assert "· status: not checked" in output
    assert "✔ signature[eddsa-jcs-2022]" in output
    assert "✔ signature[eddsa-rdfc-2022]" in output


def test_the_issuers_key_alone_is_enough(files, capsys):
    document = json.loads(files["issuer"].read_text())
    key = document["verificationMethod"][0]["publicKeyMultibase"]
    assert run(files["json"], "--issuer-key", key, "--log-key", document["log"]["key"]) == 0


def test_a_tampered_certificate_fails_offline(files, capsys):
    credential = json.loads(files["json"].read_text())
    credential["credentialSubject"]["certificate"]["records"][0]["minutes"] += 60
    files["json"].write_text(json.dumps(credential))
    assert run(files["json"], "--issuer", files["issuer"]) == 1
    output = capsys.readouterr().out
    assert "✘ signature[eddsa-jcs-2022]" in output
    assert "✘ signature[eddsa-rdfc-2022]" in output


def test_a_certificate_from_before_the_proof_set_still_verifies(tmp_path, capsys):
    kept = json.loads((FIXTURES / "certificate-before-ob3.json").read_text("utf-8"))
    (tmp_path / "issuer.json").write_text(json.dumps(kept["issuer"]))
    (tmp_path / "certificate.json").write_text(json.dumps(kept["credential"]))
    assert run(tmp_path / "certificate.json", "--issuer", tmp_path / "issuer.json") == 0
    assert "✔ signature[eddsa-jcs-2022]" in capsys.readouterr().out


def test_an_unreadable_file_is_one_line_and_exit_2(files, capsys):
    missing = files["tmp"] / "nothing.json"
    assert run(missing, "--issuer", files["issuer"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.fixture
def live_server(api):
    """The same store served by uvicorn on a free loopback port, for --online."""
    with serving(create_app(api.services.settings)) as url:
        yield url


def test_online_the_cli_says_a_revoked_certificate_is_revoked(
    api, world, issued, files, live_server, capsys
):
    api.client.post(
        f"/v1/certificates/{issued['number']}/revoke",
        json={"reason": "重新出具"},
        headers=world.tokens["organiser"],
    )
    assert run(files["pdf"], "--issuer", files["issuer"], "--online", live_server) == 1
    output = capsys.readouterr().out
    assert output.strip().endswith("verdict: revoked (重新出具)")
    assert "✔ log_consistency" in output


def test_online_the_cli_says_a_corrected_certificate_is_superseded(
    api, world, issued, files, live_server, capsys
):
    api.client.post(
        f"/v1/service-records/{issued['records'][0]}/corrections",
        json={"minutes": 90, "reason": "提前离开"},
        headers=world.tokens["organiser"],
    )
    assert run(files["json"], "--issuer", files["issuer"], "--online", live_server) == 1
    assert "verdict: superseded" in capsys.readouterr().out


def test_offline_the_status_list_is_not_checked(files, capsys):
    assert run(files["json"], "--issuer", files["issuer"]) == 0
    assert "· status_list[revocation]: not checked" in capsys.readouterr().out


def test_online_the_cli_reads_the_revocation_bit_from_the_signed_list(
    api, world, issued, files, live_server, capsys
):
    api.client.post(
        f"/v1/certificates/{issued['number']}/revoke",
        json={"reason": "重新出具"},
        headers=world.tokens["organiser"],
    )
    assert run(files["json"], "--issuer", files["issuer"], "--online", live_server) == 1
    output = capsys.readouterr().out
    assert "✔ status_list[revocation]: the issuer's signed list says revocation: set" in output


def test_online_an_unrevoked_certificate_is_valid_by_its_list(files, live_server, capsys):
    assert run(files["json"], "--issuer", files["issuer"], "--online", live_server) == 0
    output = capsys.readouterr().out
    assert "revocation: not set" in output
    assert output.strip().endswith("verdict: valid")


def test_offline_a_saved_status_list_is_read(api, world, issued, files, capsys):
    credential = json.loads(files["json"].read_text())
    entry = credential["credentialStatus"]  # one object, as the OB 3.0 schema takes it
    assert "statusListCredential" in entry
    path = urllib.parse.urlsplit(entry["statusListCredential"]).path
    api.client.post(
        f"/v1/certificates/{issued['number']}/revoke",
        json={"reason": "重新出具"},
        headers=world.tokens["organiser"],
    )
    saved = files["tmp"] / "revocation-0.json"
    saved.write_text(api.client.get(path).text)
    assert run(files["json"], "--issuer", files["issuer"], "--status-list", saved) == 1
    output = capsys.readouterr().out
    assert "✔ status_list[revocation]" in output
    assert output.strip().endswith("verdict: revoked (revoked in the issuer's status list)")
