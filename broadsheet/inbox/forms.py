"""Reader forms on static pages: contact and copyright takedown, each with a honeypot."""

from __future__ import annotations

from django import forms

from broadsheet.inbox.models import ContactMessage, TakedownRequest

HONEYPOT_FIELD = "website"
MESSAGE_MIN_LENGTH = 10
MESSAGE_MAX_LENGTH = 5000


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS, skipped by keyboard and screen readers).

    Bots that fill every input fill it; the view then pretends to succeed and stores nothing,
    so the bot learns nothing to adapt to.
    """

    # Set when the submission was refused by the rate limit, so the view can answer 429.
    rate_limited = False

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT_FIELD, ""))


class ContactForm(HoneypotMixin, forms.ModelForm):
    kind = "contact"
    sent_message = "Thank you, your message has been sent. We read every message."

    message = forms.CharField(
        min_length=MESSAGE_MIN_LENGTH,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off"}),
    )

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "subject", "message"]
        labels = {"name": "Your name", "email": "Your email address"}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "subject": forms.TextInput(attrs={"autocomplete": "off"}),
        }


class TakedownForm(HoneypotMixin, forms.ModelForm):
    kind = "takedown"
    sent_message = "Thank you, we have received your takedown request and will review it promptly."

    article_url = forms.URLField(
        label="Address (URL) of the article on this site",
        max_length=1000,
        assume_scheme="https",
        help_text="For example https://example.com/business/harbor-council-votes/",
        widget=forms.URLInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )

    class Meta:
        model = TakedownRequest
        fields = [
            "name",
            "email",
            "organisation",
            "article_url",
            "work_description",
            "sworn_statement",
            "signature",
        ]
        labels = {
            "name": "Your full name",
            "email": "Your email address",
            "organisation": "Organisation (if acting for one)",
            "work_description": "Describe the copyrighted work",
            "sworn_statement": (
                "I have a good-faith belief that the use described is not authorised by the copyright "
                "owner, its agent or the law, and I state under penalty of perjury that the information "
                "in this notice is accurate and that I am the owner, or authorised to act for the owner, "
                "of the right said to be infringed."
            ),
            "signature": "Signature (type your full name)",
        }
        help_texts = {
            "work_description": "What it is, where the original is published, and what was copied.",
            "sworn_statement": "",
            "signature": "",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "work_description": forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
            "signature": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The model field is a plain boolean (it records what was sworn); the form insists on it.
        self.fields["sworn_statement"].required = True
        self.fields["sworn_statement"].error_messages["required"] = (
            "A takedown notice needs this statement; tick the box to confirm it."
        )


def form_class(kind: str) -> type[ContactForm] | type[TakedownForm] | None:
    """The form a page's `form` setting names, or None for a page without one."""
    if kind == ContactForm.kind:
        return ContactForm
    if kind == TakedownForm.kind:
        return TakedownForm
    return None
