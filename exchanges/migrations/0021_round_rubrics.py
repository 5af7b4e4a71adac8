import django.db.models.deletion
from django.db import migrations, models

COPIED = [
    "position",
    "name_en",
    "name_ja",
    "name_ko",
    "description_en",
    "description_ja",
    "description_ko",
    "weight",
    "max_score",
]


def later_rounds_get_their_own_rubric(apps, schema_editor):
    """Until now a cohort had one rubric (criteria without a round: round 1's). Each later
    round gets a copy of it, and the scores its reviews gave move to the copies, so every
    round's reviews are scored against that round's rubric."""
    if schema_editor.connection.vendor == "postgresql":
        # Check the new rows' foreign keys now, not at commit: PostgreSQL refuses the index
        # this migration creates at its end on a table with pending deferred checks.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    ReviewCriterion = apps.get_model("exchanges", "ReviewCriterion")
    ReviewRound = apps.get_model("exchanges", "ReviewRound")
    ReviewScore = apps.get_model("exchanges", "ReviewScore")
    for review_round in ReviewRound.objects.filter(number__gt=1).order_by("pk"):
        for criterion in ReviewCriterion.objects.filter(
            cohort_id=review_round.cohort_id, round__isnull=True
        ).order_by("pk"):
            copy = ReviewCriterion.objects.create(
                cohort_id=review_round.cohort_id,
                round=review_round,
                **{name: getattr(criterion, name) for name in COPIED},
            )
            ReviewScore.objects.filter(
                criterion=criterion, review__assignment__round=review_round
            ).update(criterion=copy)


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0020_webhooks"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewcriterion",
            name="round",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: round 1.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="criteria",
                to="exchanges.reviewround",
                verbose_name="round",
            ),
        ),
        migrations.RunPython(later_rounds_get_their_own_rubric, migrations.RunPython.noop),
    ]
