"""A researcher's walk through a round with the client generated from openapi/openapi.json.

Every call goes through the generated, typed functions; `sync` answers a typed model (or a
Problem), so an `isinstance` check is what proves the document typed the answer.
Arguments: the API's base URL, an admin key, a researcher key, a survey definition as JSON, and
where to write the PDF.
"""

import datetime
import io
import json
import sys

from soundings_client import AuthenticatedClient, Client
from soundings_client.api.invitations import create_invitations, list_invitations
from soundings_client.api.organisations import import_organisations
from soundings_client.api.reports import get_report_pdf, get_summary_report_pdf
from soundings_client.api.research import get_organisation_benchmark, get_round_statistics
from soundings_client.api.respond import save_answers
from soundings_client.api.rounds import create_round, open_round
from soundings_client.api.surveys import create_survey, publish_survey_version, put_survey_version
from soundings_client.models import (
    BenchmarkView,
    CsvDelimiter,
    ImportSummary,
    InvitationBatch,
    InvitationRequest,
    InvitationStatus,
    NewRound,
    NewSurvey,
    Round,
    SaveAnswers,
    SaveAnswersAnswers,
    StatisticsRow,
    Survey,
    SurveyVersion,
)
from soundings_client.types import File

base, admin_key, researcher_key, definition_path, pdf_path = sys.argv[1:6]
admin = AuthenticatedClient(base_url=base, token=admin_key)
researcher = AuthenticatedClient(base_url=base, token=researcher_key)
respondent = Client(base_url=base)


def expect(answer, model):
    assert isinstance(answer, model), f"expected a {model.__name__}, got {answer!r}"
    return answer


# Organisations from a CSV saved by Excel in a European locale (semicolons). Six: a group is
# published only with at least k + 1 = 6 respondents.
codes = ["PY1", "PY2", "PY3", "PY4", "PY5", "PY6"]
csv = "code;name;kind;region;country;size_band\n" + "".join(
    f"{c};{c} Trust;acute;London;England;large\n" for c in codes
)
imported = expect(
    import_organisations.sync(
        client=admin, body=File(payload=io.BytesIO(csv.encode()), file_name="trusts.csv")
    ),
    ImportSummary,
)
assert imported.created == len(codes), imported
assert imported.delimiter == CsvDelimiter.SEMICOLON, imported

# A survey: created, its definition uploaded as JSON, published.
with open(definition_path, encoding="utf-8") as f:
    definition = json.load(f)
expect(create_survey.sync(client=admin, body=NewSurvey(slug="tiny", title="Tiny")), Survey)
expect(put_survey_version.sync("tiny", 1, client=admin, body=definition), SurveyVersion)
expect(publish_survey_version.sync("tiny", 1, client=admin), SurveyVersion)

# A round, opened.
now = datetime.datetime.now(datetime.timezone.utc)
new_round = NewRound(
    code="py-2026",
    name="Python 2026",
    survey="tiny",
    version=1,
    opens_at=now - datetime.timedelta(days=1),
    closes_at=now + datetime.timedelta(days=30),
)
expect(create_round.sync(client=admin, body=new_round), Round)
opened = expect(open_round.sync("py-2026", client=admin), Round)
assert opened.status == "open", opened

# Invitations for every organisation; each answers through its link.
batch = expect(create_invitations.sync("py-2026", client=admin, body=InvitationRequest()), InvitationBatch)
assert sorted(link.organisation for link in batch.created) == codes, batch
for i, link in enumerate(batch.created):
    answers = SaveAnswersAnswers.from_dict(
        {"has_plan": "yes", "plan_stage": "approved", "wte": float(i), "channels": ["a", "c"]}
    )
    secret = link.link.rsplit("/", 1)[-1]
    saved = save_answers.sync_detailed(
        secret, client=respondent, body=SaveAnswers(revision=0, answers=answers, submit=True)
    )
    assert saved.status_code == 200, (saved.status_code, saved.content)

statuses = list_invitations.sync("py-2026", client=admin)
assert isinstance(statuses, list) and all(isinstance(s, InvitationStatus) for s in statuses), statuses
assert sorted(s.response_status for s in statuses) == ["submitted"] * len(codes), statuses

# Statistics as a researcher, and one organisation's benchmark as an admin.
rows = get_round_statistics.sync("py-2026", client=researcher)
assert isinstance(rows, list) and all(isinstance(r, StatisticsRow) for r in rows), rows
overall = [r for r in rows if r.dimension == "overall"]
assert len(overall) == 1 and overall[0].n == len(codes) and not overall[0].suppressed, overall
benchmark = expect(get_organisation_benchmark.sync("py-2026", "PY3", client=admin), BenchmarkView)
assert benchmark.organisation == "PY3" and benchmark.peer_group is not None, benchmark

# The PDFs come back as bytes.
pdf = expect(get_report_pdf.sync("py-2026", "PY3", client=admin), File)
data = pdf.payload.read()
assert data.startswith(b"%PDF"), data[:16]
summary = expect(get_summary_report_pdf.sync("py-2026", client=researcher), File)
assert summary.payload.read().startswith(b"%PDF")
with open(pdf_path, "wb") as f:
    f.write(data)
print("walked through", len(codes), "organisations")
