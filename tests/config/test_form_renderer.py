"""The project's form template (templates/forms/div.html): choice groups are fieldsets named by
a legend and described by their help text and errors, as Django's own template does."""

from django import forms
from django.utils import translation


class _ChoiceForm(forms.Form):
    status = forms.ChoiceField(
        label="Visa status",
        choices=[("a", "Needed"), ("b", "Not")],
        widget=forms.RadioSelect,
        help_text="Pick one.",
    )
    needs = forms.MultipleChoiceField(
        label="Needs", choices=[("v", "Vegan")], required=False, widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="I agree")


def test_radio_group_is_fieldset_described_by_help_and_error():
    html = str(_ChoiceForm(data={}))

    assert (
        '<fieldset class="field-group" aria-describedby="id_status_helptext id_status_error">'
    ) in html
    assert "<legend>Visa status:</legend>" in html
    assert "<label>Visa status:</label>" not in html
    assert html.count("<fieldset") == html.count("</fieldset>") == 2


def test_checkbox_group_without_help_or_error_has_plain_fieldset():
    html = str(_ChoiceForm())

    assert '<fieldset class="field-group">\n      <legend>Needs:</legend>' in html


def test_single_checkbox_keeps_its_label_and_no_fieldset():
    html = str(_ChoiceForm(data={}))

    assert (
        '<input type="checkbox" name="agree" required aria-invalid="true" '
        'aria-describedby="id_agree_error" id="id_agree"> '
        '<label for="id_agree">I agree</label>'
    ) in html
    assert "<legend>I agree" not in html


_MARK = '<span class="required-mark" aria-hidden="true">*</span>'


def test_required_checkbox_is_marked_visibly_and_required():
    html = str(_ChoiceForm())

    assert (
        '<input type="checkbox" name="agree" required id="id_agree"> '
        f'<label for="id_agree">I agree</label>{_MARK}'
    ) in html


def test_required_group_marked_and_optional_group_not():
    html = str(_ChoiceForm())

    assert f"<legend>Visa status:</legend>{_MARK}" in html
    assert "<legend>Needs:</legend>\n" in html


class _JapaneseSentenceForm(forms.Form):
    notice = forms.BooleanField(label="プライバシーに関する通知を読みました。")
    ready = forms.ChoiceField(
        label="出発の準備はできましたか？", choices=[("y", "はい")], widget=forms.RadioSelect
    )
    email = forms.EmailField(label="メールアドレス")


def test_label_after_a_checkbox_gets_no_suffix_in_any_language():
    # The box comes first and its label reads as a statement: "I agree", never "I agree:".
    with translation.override("ko"):
        html = str(_ChoiceForm())

    assert '<label for="id_agree">I agree</label>' in html


def test_japanese_sentence_labels_get_no_colon_and_other_labels_a_full_width_one():
    with translation.override("ja"):
        html = str(_JapaneseSentenceForm())

    assert "。:" not in html
    assert "？:" not in html
    assert '<label for="id_notice">プライバシーに関する通知を読みました。</label>' in html
    assert "<legend>出発の準備はできましたか？</legend>" in html
    assert '<label for="id_email">メールアドレス：</label>' in html
