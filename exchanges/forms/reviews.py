"""Forms of the review pages: they validate input and hand it to ``exchanges.services.reviews``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exchanges.enums import ReviewRecommendation
from exchanges.models import (
    CohortReviewSettings,
    Question,
    ReviewCriterion,
    ReviewerPoolMember,
    ReviewRound,
)
from exchanges.models.reviews import REVIEWS_PER_APPLICATION_MAX
from exchanges.services.reviews import MAX_CONFLICT_REASON
from exchanges.validators import validate_review_due_at


def _person_label(user: User) -> str:
    return f"{user.display_name} <{user.email}>"


class ReviewQueueFilterForm(forms.Form):
    cohort = forms.TypedChoiceField(
        label=_("Cohort"), required=False, coerce=int, empty_value=None, choices=[]
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [
            ("", _("All cohorts")),
            *[(c.pk, f"{c.program.name}: {c.name}") for c in cohorts],
        ]


class ReviewForm(forms.Form):
    """One score field per rubric criterion (``score_<id>``), a comment and a recommendation."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the selection committee should know: strengths, concerns, questions."),
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        choices=[("", _("No recommendation")), *ReviewRecommendation.choices],
    )

    def __init__(self, *args, criteria: list[ReviewCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        score_fields = {}
        for criterion in criteria:
            help_text = _("From 0 to %(max)s.") % {"max": criterion.max_score}
            if criterion.description:
                help_text = f"{criterion.description} {help_text}"
            score_fields[self.field_name(criterion)] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=criterion.max_score,
                help_text=help_text,
                error_messages={"required": _("Give a score for this criterion.")},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        # Scores first, in rubric order; then comment and recommendation.
        self.fields = {**score_fields, **self.fields}

    @staticmethod
    def field_name(criterion: ReviewCriterion) -> str:
        return f"score_{criterion.pk}"

    @classmethod
    def initial_for(cls, *, review, scores: dict[int, int]) -> dict:
        initial = {f"score_{pk}": value for pk, value in scores.items()}
        if review is not None:
            initial |= {"comment": review.comment, "recommendation": review.recommendation}
        return initial

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[self.field_name(c)] for c in self.criteria}

    def add_service_errors(self, errors: dict) -> None:
        by_pk = {c.pk: c for c in self.criteria}
        for pk, message in errors.items():
            self.add_error(self.field_name(by_pk[pk]) if pk in by_pk else None, message)


class ConflictDeclarationForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you have a conflict of interest?"),
        max_length=MAX_CONFLICT_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: you know the applicant personally, or worked with them. "
            "Only the secretariat sees this."
        ),
        error_messages={"required": _("Say briefly why you have a conflict of interest.")},
    )


class ReviewerInstitutionForm(forms.Form):
    institution = forms.CharField(
        label=_("Institution or organisation"),
        max_length=200,
        help_text=_(
            "You will never be assigned applicants from it (case and spaces do not matter)."
        ),
        error_messages={"required": _("Enter the name of the institution or organisation.")},
    )


class ReviewCriterionForm(forms.ModelForm):
    class Meta:
        model = ReviewCriterion
        fields = [
            "name_en",
            "name_ja",
            "name_ko",
            "description_en",
            "description_ja",
            "description_ko",
            "weight",
            "max_score",
            "position",
        ]
        widgets = {
            f"description_{code}": forms.Textarea(attrs={"rows": 2}) for code in ("en", "ja", "ko")
        }
        help_texts = {
            "weight": _("How much this criterion counts relative to the others."),
            "max_score": _("Reviewers score from 0 to this number."),
            "position": _("Criteria are listed in ascending order; 0 puts a new one last."),
        }

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        if locked:
            for name in ("weight", "max_score"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed: reviews have been submitted.")

    def clean_position(self):
        return self.cleaned_data.get("position") or 0


class ReviewSettingsForm(forms.ModelForm):
    """The cohort's review settings; the due date and reviewers per application are those
    of ``review_round``, the current round (None: round 1, not created yet)."""

    due_at = forms.DateTimeField(
        label=_("Reviews due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "In your time zone. Reviewers see it in theirs; reminders go out three "
            "days before and on the day after."
        ),
    )

    class Meta:
        model = CohortReviewSettings
        fields = [
            "reviews_per_application",
            "avoid_same_country",
            "blind",
            "due_at",
            "identifying_questions",
        ]
        widgets = {"identifying_questions": forms.CheckboxSelectMultiple}
        help_texts = {
            "reviews_per_application": _(
                "How many reviewers automatic assignment gives each application."
            ),
            "avoid_same_country": _(
                "Automatic assignment then never gives reviewers applicants from their own country."
            ),
            "blind": _(
                "Reviewers do not see the applicant's name, email, institution, date "
                "of birth, file names, or answers to the questions ticked below."
            ),
            "identifying_questions": _("Answers hidden from reviewers in blind review."),
        }

    def __init__(
        self, *args, questions: list[Question], review_round: ReviewRound | None = None, **kwargs
    ):
        if review_round is not None and review_round.number > 1:
            kwargs["initial"] = {
                "due_at": review_round.due_at,
                "reviews_per_application": review_round.reviews_per_application,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self.review_round = review_round
        field = self.fields["identifying_questions"]
        field.queryset = Question.objects.filter(pk__in=[q.pk for q in questions])
        field.label_from_instance = lambda question: question.label
        field.required = False
        self.fields["reviews_per_application"].max_value = REVIEWS_PER_APPLICATION_MAX
        round_label = review_round.label if review_round else _("Round 1")
        self.fields["due_at"].label = _("Reviews due in %(round)s") % {"round": round_label}
        self.fields["reviews_per_application"].label = _(
            "Reviewers per application in %(round)s"
        ) % {"round": round_label}

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        # An unchanged date stays valid once the round is over; a new one must make sense.
        if due_at is not None and "due_at" in self.changed_data:
            started = self.review_round.created_at if self.review_round else timezone.now()
            validate_review_due_at(due_at, earliest=started)
        return due_at


class PoolAddForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose a reviewer."),
            "invalid_choice": _("Choose one of the reviewers offered."),
        },
    )
    max_assignments = forms.IntegerField(
        label=_("Most applications (optional)"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("Automatic assignment gives this reviewer no more; empty for no limit."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = candidates
        self.fields["reviewer"].label_from_instance = _person_label


class AutoAssignForm(forms.Form):
    per_application = forms.IntegerField(
        label=_("Reviewers per application"),
        min_value=1,
        max_value=REVIEWS_PER_APPLICATION_MAX,
        help_text=_(
            "Applications that already have this many keep theirs; the others get the missing ones."
        ),
    )


class ManualAssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose a reviewer."),
            "invalid_choice": _("Choose one of the reviewers offered."),
        },
    )

    def __init__(self, *args, candidates: list[ReviewerPoolMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = User.objects.filter(
            pk__in=[m.reviewer_id for m in candidates]
        )
        self.fields["reviewer"].label_from_instance = _person_label


class ReviewRoundForm(forms.Form):
    """Start the next round. ``warning`` (``RoundStartWarning``) adds the "start anyway"
    box, which must be ticked: the current round still has pending reviews or nothing was
    advanced to it."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For example “Screening” or “Panel”."),
        error_messages={"required": _("Give the round a name.")},
    )
    reviews_per_application = forms.IntegerField(
        label=_("Reviewers per application"),
        min_value=1,
        max_value=REVIEWS_PER_APPLICATION_MAX,
        initial=2,
    )
    due_at = forms.DateTimeField(
        label=_("Reviews due"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your time zone. Reviewers can be assigned once it is set."),
        error_messages={"required": _("Enter the date the reviews are due.")},
    )
    own_country_only = forms.BooleanField(
        label=_("Screening: reviewers review only their own country's applicants"),
        required=False,
    )
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers of this round"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the cohort's whole reviewer pool."),
    )
    start_anyway = forms.BooleanField(
        label=_("Start the next round anyway"),
        error_messages={"required": _("Tick the box to start the next round anyway.")},
    )

    def __init__(self, *args, pool: list[ReviewerPoolMember], warning=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        field.queryset = User.objects.filter(pk__in=[m.reviewer_id for m in pool]).order_by(
            "family_name", "given_name", "id"
        )
        field.label_from_instance = _person_label
        if warning is None:
            del self.fields["start_anyway"]

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        validate_review_due_at(due_at, earliest=timezone.now())
        return due_at


class ReviewRoundEditForm(ReviewRoundForm):
    """Rename a round, change its reviewers per application, due date and pool (whether it
    is a screening round stays as created: its assignments depend on it)."""

    def __init__(self, *args, review_round: ReviewRound, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": review_round.name,
                "reviews_per_application": review_round.reviews_per_application,
                "due_at": review_round.due_at,
                "reviewers": list(review_round.reviewers.values_list("pk", flat=True)),
            },
        )
        super().__init__(*args, **kwargs)
        del self.fields["own_country_only"]
        # A round keeps its name or none (then "Round 2" and so on), and its date as it was.
        self.fields["name"].required = False
        self.fields["name"].help_text = _(
            "For example “Screening” or “Panel”; empty: “Round 2” and so on."
        )
        self.fields["due_at"].required = False

    def clean_due_at(self):
        return self.cleaned_data["due_at"]


class ReviewRoundDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Delete this round, its rubric and its unfinished assignments"),
        error_messages={"required": _("Tick the box to confirm that the round is deleted.")},
    )


class RoundTopForm(forms.Form):
    per_country = forms.IntegerField(
        label=_("Top applicants per country"),
        min_value=1,
        max_value=10000,
        help_text=_("Taken from the previous round's ranking."),
    )


class RoundAdvanceForm(forms.Form):
    applications = forms.TypedMultipleChoiceField(
        label=_("Applications to advance"),
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one application.")},
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = choices
