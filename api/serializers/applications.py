import datetime as dt

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from exchanges.models import Answer, Application, Document
from exchanges.selectors.applications import APPLICATION_VALUES


class ApplicantOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["given_name", "family_name", "local_name", "email", "preferred_language"]


class AnswerOutputSerializer(serializers.ModelSerializer):
    question = serializers.IntegerField(source="question_id", read_only=True)
    label = serializers.CharField(source="question.label_en", read_only=True)
    kind = serializers.CharField(source="question.kind", read_only=True)
    value = serializers.JSONField(read_only=True, allow_null=True)

    class Meta:
        model = Answer
        fields = ["question", "label", "kind", "value", "updated_at"]


class DocumentOutputSerializer(serializers.ModelSerializer):
    """A document's metadata; the file itself is at ``download_url``."""

    question = serializers.IntegerField(source="question_id", read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "question",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, document: Document) -> str:
        path = reverse("v1:document-file", kwargs={"pk": document.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ApplicationOutputSerializer(serializers.ModelSerializer):
    cohort = serializers.IntegerField(source="cohort_id", read_only=True)
    nominated_by = serializers.IntegerField(
        source="nominated_by_id",
        read_only=True,
        allow_null=True,
        help_text="The organisation that nominated the applicant, if one did.",
    )
    applicant = ApplicantOutputSerializer(read_only=True)
    answers = AnswerOutputSerializer(many=True, read_only=True)
    documents = DocumentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "cohort",
            "status",
            "country",
            "applicant",
            "birth_date",
            "citizenship",
            "residence_country",
            "sector",
            "institution",
            "languages",
            "nominated_by",
            "created_at",
            "updated_at",
            "submitted_at",
            "status_changed_at",
            "answers",
            "documents",
        ]


_DATE = serializers.DateField()


def _datetime_formatter(tz):
    """DRF's ``DateTimeField`` output (ISO 8601 in the current time zone, ``Z`` for UTC)
    without looking the time zone up again for every value, which cost most of a page.

    Also takes a timestamp the database already wrote as UTC text ending in ``Z``
    (``application_page_values``): in UTC, the usual zone of an API request, it is the
    output as it stands."""
    utc = getattr(tz, "key", None) == "UTC"

    def to_text(value):
        if value is None:
            return None
        if isinstance(value, str):
            if utc:
                return value
            value = dt.datetime.fromisoformat(value)
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return to_text


def _values_of(application: Application) -> dict:
    """An instance as a dict of ``APPLICATION_VALUES``, the keys of a row of
    ``application_page_values``."""
    row = {field: getattr(application, field) for field in APPLICATION_VALUES if "__" not in field}
    row["id"] = application.pk
    applicant = application.applicant
    for field in APPLICATION_VALUES:
        if field.startswith("applicant__"):
            row[field] = getattr(applicant, field.removeprefix("applicant__"))
    return row


class FastApplicationOutputSerializer(ApplicationOutputSerializer):
    """The same output as ``ApplicationOutputSerializer``, built by hand: the application
    list is the API's busiest endpoint, and DRF's per-field machinery cost most of its time.
    The declared fields stay the schema; a test checks both produce identical data.

    Answers and documents come from ``context["related"]`` when the view read them with the
    whole page (``application_page_values``), else from the application's prefetched
    relations."""

    def _setup(self) -> tuple:
        cached = self.context.get("_fast_setup")
        if cached is None:
            request = self.context.get("request")
            path = reverse("v1:document-file", kwargs={"pk": 0})[: -len("0/file/")]
            prefix = request.build_absolute_uri(path) if request is not None else path
            cached = (prefix, _datetime_formatter(timezone.get_current_timezone()))
            self.context["_fast_setup"] = cached
        return cached

    def to_representation(self, application: Application | dict) -> dict:
        prefix, dt_text = self._setup()
        related = self.context.get("related")
        row = application if isinstance(application, dict) else _values_of(application)
        if related is not None:
            answers = related[0][row["id"]]
            documents = related[1][row["id"]]
        else:
            answers = [
                (a.question_id, a.question.label_en, a.question.kind, a.value, a.updated_at)
                for a in application.answers.all()
            ]
            documents = [
                (
                    d.pk,
                    d.kind,
                    d.question_id,
                    d.original_name,
                    d.content_type,
                    d.size,
                    d.sha256,
                    d.uploaded_at,
                )
                for d in application.documents.all()
            ]
        birth_date = row["birth_date"]
        return {
            "id": row["id"],
            "cohort": row["cohort_id"],
            "status": row["status"],
            "country": row["country"],
            "applicant": {
                "given_name": row["applicant__given_name"],
                "family_name": row["applicant__family_name"],
                "local_name": row["applicant__local_name"],
                "email": row["applicant__email"],
                "preferred_language": row["applicant__preferred_language"],
            },
            "birth_date": _DATE.to_representation(birth_date) if birth_date else None,
            "citizenship": row["citizenship"],
            "residence_country": row["residence_country"],
            "sector": row["sector"],
            "institution": row["institution"],
            "languages": row["languages"],
            "nominated_by": row["nominated_by_id"],
            "created_at": dt_text(row["created_at"]),
            "updated_at": dt_text(row["updated_at"]),
            "submitted_at": dt_text(row["submitted_at"]),
            "status_changed_at": dt_text(row["status_changed_at"]),
            "answers": [
                {
                    "question": question,
                    "label": label,
                    "kind": kind,
                    "value": value,
                    "updated_at": dt_text(updated_at),
                }
                for question, label, kind, value, updated_at in answers
            ],
            "documents": [
                {
                    "id": pk,
                    "kind": kind,
                    "question": question,
                    "original_name": original_name,
                    "content_type": content_type,
                    "size": size,
                    "sha256": sha256,
                    "uploaded_at": dt_text(uploaded_at),
                    "download_url": f"{prefix}{pk}/file/",
                }
                for pk, kind, question, original_name, content_type, size, sha256, uploaded_at in (
                    documents
                )
            ],
        }
