from django import forms

from tenant_apps.catalogue.models import Offer, OfferStatus

from .models import Inspiration


class InspirationForm(forms.ModelForm):
    class Meta:
        model = Inspiration
        fields = [
            "title",
            "person",
            "age",
            "place",
            "is_local",
            "summary",
            "body",
            "link_url",
            "video_url",
            "video_text",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    link_url = forms.URLField(
        label="Lien pour aller plus loin",
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    offer_ids = forms.MultipleChoiceField(
        label="Offres dont parle l'histoire (« moi aussi »)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offers = Offer.objects.filter(status=OfferStatus.PUBLISHED).order_by("-published_at")[:60]
        self.fields["offer_ids"].choices = [(str(o.pk), o.title) for o in offers]
        if self.instance and self.instance.pk:
            self.initial.setdefault("offer_ids", list(self.instance.offer_ids or []))
