"""Google's own Python client for Perspective (google-api-python-client), pointed at
`gavel serve` with nothing changed but the discovery URL, as a site switching over would."""
import csv
import io
import os
import re
import subprocess

import pytest
from googleapiclient import discovery
from googleapiclient.errors import HttpError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GAVEL = os.environ.get("GAVEL_BIN", os.path.join(ROOT, "target", "debug", "gavel"))
MODEL = os.path.join(ROOT, "models", "abuse.gavel")


@pytest.fixture(scope="module")
def server():
    p = subprocess.Popen([GAVEL, "serve", "--model", f"abuse={MODEL}", "--addr", "127.0.0.1:0"],
                         stderr=subprocess.PIPE, text=True)
    line = p.stderr.readline()
    m = re.search(r"http://\S+", line)
    assert m, f"gavel serve did not start: {line}"
    yield m.group(0)
    p.terminate()
    assert p.wait(timeout=30) == 0


@pytest.fixture(scope="module")
def client(server):
    # the code a site already runs against Perspective, with its discovery URL changed
    return discovery.build(
        "commentanalyzer", "v1alpha1", developerKey="the-sites-old-key",
        discoveryServiceUrl=f"{server}/$discovery/rest?version=v1alpha1",
        static_discovery=False, cache_discovery=False)


def cli_score(text):
    out = subprocess.run([GAVEL, "-q", "score", "--model", MODEL], input=f"text\n\"{text}\"\n",
                         capture_output=True, text=True, check=True).stdout
    return float(next(csv.DictReader(io.StringIO(out)))["p_abusive"])


def test_analyze_through_the_client_library(client):
    for text in ["You are a complete idiot and a liar",
                 "Thank you for the balanced report on the talks"]:
        body = {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}},
                "languages": ["en"], "doNotStore": True}
        resp = client.comments().analyze(body=body).execute()
        score = resp["attributeScores"]["TOXICITY"]["summaryScore"]
        assert score["type"] == "PROBABILITY"
        assert abs(score["value"] - cli_score(text)) < 1e-6


def test_spans_are_utf16_offsets(client):
    text = "😀 what a m0r0n"
    body = {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}},
            "spanAnnotations": True}
    spans = client.comments().analyze(body=body).execute()["attributeScores"]["TOXICITY"]["spanScores"]
    top = max(spans, key=lambda s: s["contribution"])
    units = text.encode("utf-16-le")
    assert units[2 * top["begin"]:2 * top["end"]].decode("utf-16-le") == "m0r0n"


def test_errors_reach_the_client_as_http_errors(client):
    body = {"comment": {"text": "hello"}, "requestedAttributes": {"FLIRTATION": {}}}
    with pytest.raises(HttpError) as e:
        client.comments().analyze(body=body).execute()
    assert e.value.resp.status == 400
    assert "Unknown requested attribute: FLIRTATION" in str(e.value)
    with pytest.raises(HttpError) as e:
        client.comments().analyze(body={"comment": {"text": ""},
                                        "requestedAttributes": {"TOXICITY": {}}}).execute()
    assert e.value.resp.status == 400
