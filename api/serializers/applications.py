from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from exchanges.models import Answer, Application, Document


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


_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()


def _datetime(value):
    return _DATETIME.to_representation(value) if value is not None else None


class FastApplicationOutputSerializer(ApplicationOutputSerializer):
    """The same output as ``ApplicationOutputSerializer``, built by hand: the application
    list is the API's busiest endpoint, and DRF's per-field machinery cost most of its time.
    The declared fields stay the schema; a test checks both produce identical data."""

    def to_representation(self, application: Application) -> dict:
        request = self.context.get("request")
        prefix = self.context.get("_document_prefix")
        if prefix is None:
            path = reverse("v1:document-file", kwargs={"pk": 0})[: -len("0/file/")]
            prefix = request.build_absolute_uri(path) if request is not None else path
            self.context["_document_prefix"] = prefix
        applicant = application.applicant
        return {
            "id": application.pk,
            "cohort": application.cohort_id,
            "status": application.status,
            "country": application.country,
            "applicant": {
                "given_name": applicant.given_name,
                "family_name": applicant.family_name,
                "local_name": applicant.local_name,
                "email": applicant.email,
                "preferred_language": applicant.preferred_language,
            },
            "birth_date": _DATE.to_representation(application.birth_date)
            if application.birth_date
            else None,
            "citizenship": application.citizenship,
            "residence_country": application.residence_country,
            "sector": application.sector,
            "institution": application.institution,
            "languages": application.languages,
            "nominated_by": application.nominated_by_id,
            "created_at": _datetime(application.created_at),
            "updated_at": _datetime(application.updated_at),
            "submitted_at": _datetime(application.submitted_at),
            "status_changed_at": _datetime(application.status_changed_at),
            "answers": [
                {
                    "question": answer.question_id,
                    "label": answer.question.label_en,
                    "kind": answer.question.kind,
                    "value": answer.value,
                    "updated_at": _datetime(answer.updated_at),
                }
                for answer in application.answers.all()
            ],
            "documents": [
                {
                    "id": document.pk,
                    "kind": document.kind,
                    "question": document.question_id,
                    "original_name": document.original_name,
                    "content_type": document.content_type,
                    "size": document.size,
                    "sha256": document.sha256,
                    "uploaded_at": _datetime(document.uploaded_at),
                    "download_url": f"{prefix}{document.pk}/file/",
                }
                for document in application.documents.all()
            ],
        }
