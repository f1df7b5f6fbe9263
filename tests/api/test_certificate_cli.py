"""verify-certificate offline: with nothing but the file and the issuer's public keys."""

import argparse
import json

import pytest

from api.certificate_cli import add_verify_certificate_parser, run_verify_certificate
from tests.api.conftest import credential_of


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


def test_the_issuers_key_alone_is_enough(files, capsys):
    document = json.loads(files["issuer"].read_text())
    key = document["verificationMethod"][0]["publicKeyMultibase"]
    assert run(files["json"], "--issuer-key", key, "--log-key", document["log"]["key"]) == 0


def test_a_tampered_certificate_fails_offline(files, capsys):
    credential = json.loads(files["json"].read_text())
    credential["credentialSubject"]["certificate"]["records"][0]["minutes"] += 60
    files["json"].write_text(json.dumps(credential))
    assert run(files["json"], "--issuer", files["issuer"]) == 1
    assert "✘ signature" in capsys.readouterr().out


def test_an_unreadable_file_is_one_line_and_exit_2(files, capsys):
    missing = files["tmp"] / "nothing.json"
    assert run(missing, "--issuer", files["issuer"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
