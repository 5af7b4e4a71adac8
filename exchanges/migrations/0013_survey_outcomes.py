"""Outcome analytics: a pseudonymous respondent key on every response (pairs waves, also for
anonymous surveys and imported answers), anonymous surveys, saved drafts of answers, and a
stable item key for every question."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils.crypto import salted_hmac

# The same salt and form as exchanges.services.surveys.survey_respondent_id.
RESPONDENT_SALT = "exchanges.surveys.respondent"


def fill_keys(apps, schema_editor):
    SurveyResponse = apps.get_model("exchanges", "SurveyResponse")
    SurveyQuestion = apps.get_model("exchanges", "SurveyQuestion")
    for response in SurveyResponse.objects.filter(respondent="").only("pk", "application_id"):
        key = "R" + salted_hmac(RESPONDENT_SALT, str(response.application_id)).hexdigest()[:12]
        SurveyResponse.objects.filter(pk=response.pk).update(respondent=key)
    for question in SurveyQuestion.objects.filter(code="").only("pk"):
        SurveyQuestion.objects.filter(pk=question.pk).update(code=f"item-{question.pk}")


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0012_selection"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="anonymous",
            field=models.BooleanField(
                default=False,
                help_text="Answers keep no link to the person, only a pseudonymous key that pairs their answers across surveys.",
                verbose_name="anonymous",
            ),
        ),
        migrations.AddField(
            model_name="surveyinvitation",
            name="draft",
            field=models.JSONField(blank=True, default=dict, verbose_name="saved answers"),
        ),
        migrations.AddField(
            model_name="surveyresponse",
            name="imported",
            field=models.BooleanField(default=False, verbose_name="imported"),
        ),
        migrations.AddField(
            model_name="surveyresponse",
            name="respondent",
            field=models.CharField(default="", max_length=40, verbose_name="respondent key"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="surveyresponse",
            name="application",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="survey_responses",
                to="exchanges.application",
                verbose_name="application",
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="invitation",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="response",
                to="exchanges.surveyinvitation",
                verbose_name="invitation",
            ),
        ),
        migrations.AddConstraint(
            model_name="surveyresponse",
            constraint=models.UniqueConstraint(
                fields=("survey", "respondent"), name="survey_response_once_per_respondent"
            ),
        ),
    ]
