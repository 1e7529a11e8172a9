"""The signup form: an address, the lists, and a honeypot field only bots fill."""

from __future__ import annotations

from django import forms

from broadsheet.audience import lists

HONEYPOT_FIELD = "website"


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    lists = forms.MultipleChoiceField(
        label="Send me",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one newsletter."},
    )
    # Hidden by CSS and skipped by keyboard and screen readers (the contact form's trick):
    # a filled one is answered like a success and nothing is stored or sent.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    rate_limited = False

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["lists"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(item.key, item.name) for item in lists.available()]
        if not self.is_bound:
            self.initial.setdefault("lists", [lists.DAILY])

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT_FIELD, ""))
