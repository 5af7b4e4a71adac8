import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from exchanges.enums import Role
from exchanges.management.commands.bench_outbox import BENCH_COUNTRY, DOMAIN
from exchanges.management.commands.bench_outbox import Command as OutboxBenchmark
from exchanges.models import ActivityLog, Application, Campaign
from tests.factories.applications import ApplicationFactory, CohortFactory


@pytest.mark.django_db
def test_clean_up_removes_the_benchmark_data_and_keeps_its_activity_log_rows():
    """The benchmark's campaign writes activity-log rows, which are append-only: its clean-up
    must leave them (it used to delete them and crash, leaving 10,000 recipients behind)."""
    cohort = CohortFactory()
    person = User.objects.create(
        email=f"bench-00001@{DOMAIN}", role=Role.APPLICANT, country=BENCH_COUNTRY
    )
    ApplicationFactory(applicant=person, cohort=cohort, country=BENCH_COUNTRY)
    kept = ApplicationFactory(cohort=cohort)
    campaign = Campaign.objects.create(cohort=cohort, name="Benchmark", subject_en="s", body_en="b")
    ActivityLog.objects.create(
        content_type=ContentType.objects.get_for_model(Campaign),
        object_id=campaign.pk,
        action_type="exchanges.campaign.sent",
    )

    OutboxBenchmark()._clean_up()

    assert not Campaign.objects.filter(pk=campaign.pk).exists()
    assert not User.objects.filter(email__endswith=f"@{DOMAIN}").exists()
    assert list(Application.objects.values_list("pk", flat=True)) == [kept.pk]
    assert ActivityLog.objects.filter(
        object_id=campaign.pk, action_type="exchanges.campaign.sent"
    ).exists()
