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
